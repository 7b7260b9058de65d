# Floats that are not finite in JSON: modern Nix's nlohmann::json writes them as null.
let inf = 1.0e308 * 10; in
{
  inf = builtins.toJSON inf;
  negInf = builtins.toJSON (-inf);
  inList = builtins.toJSON [ 1.5 inf ];
}
