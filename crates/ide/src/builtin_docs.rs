//! Short documentation of the builtins, written for this project (one or two sentences
//! each, with the argument order), shown on hover and in completion details.

const DOCS: &[(&str, &str)] = &[
    (
        "abort",
        "`abort msg`: stop evaluation with the message; unlike `throw`, `tryEval` cannot catch it.",
    ),
    ("add", "`add a b`: the sum of two numbers (`a + b`)."),
    ("all", "`all pred list`: whether `pred` holds for every element."),
    ("any", "`any pred list`: whether `pred` holds for some element."),
    ("attrNames", "`attrNames set`: the names of a set's attributes, sorted."),
    (
        "attrValues",
        "`attrValues set`: the values of a set's attributes, in name order.",
    ),
    ("baseNameOf", "`baseNameOf p`: the last component of a path or string."),
    (
        "catAttrs",
        "`catAttrs name sets`: the `name` attribute of each set that has one.",
    ),
    (
        "compareVersions",
        "`compareVersions a b`: -1, 0 or 1 as version `a` is older, equal or newer.",
    ),
    (
        "concatLists",
        "`concatLists lists`: one list of all the elements of a list of lists.",
    ),
    ("concatMap", "`concatMap f list`: `concatLists (map f list)`."),
    (
        "concatStringsSep",
        "`concatStringsSep sep strings`: the strings joined with `sep` between them.",
    ),
    (
        "currentSystem",
        "The platform evaluation runs on (`x86_64-linux`); not available in pure mode.",
    ),
    ("deepSeq", "`deepSeq a b`: evaluate `a` completely, then return `b`."),
    (
        "derivation",
        "`derivation attrs`: a derivation from `name`, `system`, `builder` and the rest of `attrs`.",
    ),
    ("dirOf", "`dirOf p`: the directory part of a path or string."),
    ("div", "`div a b`: `a / b` (integer division for integers)."),
    ("elem", "`elem x list`: whether `x` is an element of `list`."),
    ("elemAt", "`elemAt list n`: the element at index `n` (from 0)."),
    (
        "fetchGit",
        "`fetchGit args`: a git repository's tree (`url`, `ref`, `rev`) copied to the store.",
    ),
    (
        "fetchTarball",
        "`fetchTarball args`: an unpacked tarball (`url`, `sha256`) in the store.",
    ),
    ("fetchurl", "`fetchurl url`: a file downloaded to the store."),
    ("filter", "`filter pred list`: the elements for which `pred` holds."),
    (
        "filterSource",
        "`filterSource pred path`: a path copied to the store with only the entries `pred path type` keeps.",
    ),
    (
        "foldl'",
        "`foldl' op init list`: a strict left fold, `op (op init x0) x1 ...`.",
    ),
    ("fromJSON", "`fromJSON s`: the Nix value of a JSON text."),
    ("fromTOML", "`fromTOML s`: the Nix value of a TOML text."),
    (
        "functionArgs",
        "`functionArgs f`: a set of the formal arguments of `f`, each `true` when it has a default.",
    ),
    ("genList", "`genList f n`: `[ (f 0) ... (f (n - 1)) ]`."),
    (
        "getAttr",
        "`getAttr name set`: the attribute `name` of `set` (`set.${name}`).",
    ),
    (
        "getEnv",
        "`getEnv name`: an environment variable, `\"\"` when unset or in pure mode.",
    ),
    ("getFlake", "`getFlake ref`: the outputs of a flake, locked."),
    (
        "groupBy",
        "`groupBy f list`: a set of lists, the elements grouped by the name `f` gives them.",
    ),
    (
        "hasAttr",
        "`hasAttr name set`: whether `set` has the attribute (`set ? ${name}`).",
    ),
    (
        "hashString",
        "`hashString type s`: the hex hash (`md5`, `sha1`, `sha256`, `sha512`) of a string.",
    ),
    ("head", "`head list`: the first element; an error on an empty list."),
    (
        "import",
        "`import path`: the value of the Nix file at `path` (`default.nix` for a directory).",
    ),
    (
        "intersectAttrs",
        "`intersectAttrs a b`: the attributes of `b` whose names are also in `a`.",
    ),
    ("isAttrs", "`isAttrs x`: whether `x` is a set."),
    ("isBool", "`isBool x`: whether `x` is a Boolean."),
    ("isFunction", "`isFunction x`: whether `x` is a function."),
    ("isInt", "`isInt x`: whether `x` is an integer."),
    ("isList", "`isList x`: whether `x` is a list."),
    ("isNull", "`isNull x`: whether `x` is `null`."),
    ("isPath", "`isPath x`: whether `x` is a path."),
    ("isString", "`isString x`: whether `x` is a string."),
    ("length", "`length list`: the number of elements."),
    ("lessThan", "`lessThan a b`: `a < b`."),
    (
        "listToAttrs",
        "`listToAttrs list`: a set from `[ { name; value; } ... ]` (the first of equal names wins).",
    ),
    ("map", "`map f list`: `f` applied to each element."),
    (
        "mapAttrs",
        "`mapAttrs f set`: a set with each attribute `name` set to `f name value`.",
    ),
    (
        "match",
        "`match regex s`: `null` when the POSIX regex does not match all of `s`, else the list of its groups.",
    ),
    ("mul", "`mul a b`: `a * b`."),
    (
        "parseDrvName",
        "`parseDrvName s`: `{ name; version; }` split at the first dash followed by a digit.",
    ),
    (
        "partition",
        "`partition pred list`: `{ right; wrong; }`, the elements for which `pred` holds and the others.",
    ),
    (
        "path",
        "`path args`: a path copied to the store, with an optional `name`, `filter` and `sha256`.",
    ),
    ("pathExists", "`pathExists p`: whether the path exists."),
    (
        "readDir",
        "`readDir p`: a set of the directory's entries, each `regular`, `directory`, `symlink` or `unknown`.",
    ),
    ("readFile", "`readFile p`: the contents of a file as a string."),
    (
        "removeAttrs",
        "`removeAttrs set names`: `set` without the attributes named in the list.",
    ),
    (
        "replaceStrings",
        "`replaceStrings from to s`: each occurrence of `from`'s strings replaced by the matching `to` string.",
    ),
    (
        "seq",
        "`seq a b`: evaluate `a` to weak head normal form, then return `b`.",
    ),
    (
        "sort",
        "`sort lessThan list`: the list sorted stably by the comparison.",
    ),
    (
        "split",
        "`split regex s`: the parts of `s` between matches, with each match's groups as a list between them.",
    ),
    ("splitVersion", "`splitVersion v`: the components of a version string."),
    ("storeDir", "The store directory (`/nix/store`)."),
    ("stringLength", "`stringLength s`: the length of a string in bytes."),
    ("sub", "`sub a b`: `a - b`."),
    (
        "substring",
        "`substring start len s`: `len` bytes of `s` from `start` (to the end when `len` is past it).",
    ),
    ("tail", "`tail list`: the list without its first element."),
    ("throw", "`throw msg`: fail with the message; `tryEval` catches it."),
    ("toFile", "`toFile name s`: a store path holding the text `s`."),
    ("toJSON", "`toJSON x`: the JSON text of a value."),
    (
        "toString",
        "`toString x`: a value as a string (lists joined by spaces, `null` and `false` as `\"\"`).",
    ),
    ("toXML", "`toXML x`: the XML text of a value, as `--xml` prints it."),
    (
        "trace",
        "`trace msg x`: print `msg` on standard error, then return `x`.",
    ),
    (
        "tryEval",
        "`tryEval x`: `{ success = true; value = x; }`, or `success = false` when `x` throws or an assertion fails.",
    ),
    (
        "typeOf",
        "`typeOf x`: the name of the value's type (`int`, `string`, `set`, `lambda`, ...).",
    ),
    (
        "unsafeGetAttrPos",
        "`unsafeGetAttrPos name set`: `{ file; line; column; }` where the attribute is defined, or `null`.",
    ),
    (
        "zipAttrsWith",
        "`zipAttrsWith f sets`: a set with each name bound to `f name [ values from each set that has it ]`.",
    ),
];

/// The documentation of `builtins.NAME`, if this table has it.
pub fn builtin_doc(name: &str) -> Option<&'static str> {
    DOCS.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}
