//! What the daemon says on the stderr channel while it works, as [`LogEvent`]s handed to the
//! caller's callback (Nix's `Logger`: messages, activities, activity results).

use std::fmt;

/// How verbose a message or activity is (Nix's `Verbosity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verbosity {
    Error,
    Warn,
    Notice,
    Info,
    Talkative,
    Chatty,
    Debug,
    Vomit,
}

impl Verbosity {
    pub fn from_u64(n: u64) -> Verbosity {
        match n {
            0 => Verbosity::Error,
            1 => Verbosity::Warn,
            2 => Verbosity::Notice,
            3 => Verbosity::Info,
            4 => Verbosity::Talkative,
            5 => Verbosity::Chatty,
            6 => Verbosity::Debug,
            _ => Verbosity::Vomit,
        }
    }

    pub fn to_u64(self) -> u64 {
        self as u64
    }
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
            /// A code this client does not know (from a newer daemon).
            Other(u64),
        }

        impl $name {
            pub fn from_u64(n: u64) -> $name {
                match n {
                    $($code => $name::$variant,)*
                    n => $name::Other(n),
                }
            }

            pub fn to_u64(self) -> u64 {
                match self {
                    $($name::$variant => $code,)*
                    $name::Other(n) => n,
                }
            }
        }
    };
}

code_enum! {
    /// What an activity is (Nix's `ActivityType`).
    ActivityType {
        Unknown = 0,
        CopyPath = 100,
        FileTransfer = 101,
        Realise = 102,
        CopyPaths = 103,
        Builds = 104,
        Build = 105,
        OptimiseStore = 106,
        VerifyPaths = 107,
        Substitute = 108,
        QueryPathInfo = 109,
        PostBuildHook = 110,
        BuildWaiting = 111,
        FetchTree = 112,
    }
}

code_enum! {
    /// What an activity result carries (Nix's `ResultType`).
    ResultType {
        FileLinked = 100,
        BuildLogLine = 101,
        UntrustedPath = 102,
        CorruptedPath = 103,
        SetPhase = 104,
        Progress = 105,
        SetExpected = 106,
        PostBuildLogLine = 107,
        FetchStatus = 108,
    }
}

/// A field of an activity or result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    Int(u64),
    String(String),
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Int(n) => write!(f, "{n}"),
            Field::String(s) => f.write_str(s),
        }
    }
}

/// One thing the daemon reported while working on an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogEvent {
    /// A log message (`STDERR_NEXT`), without its trailing newline. It may hold ANSI colour
    /// codes, as Nix prints them.
    Message(String),
    /// `STDERR_START_ACTIVITY` (daemons and clients >= 1.20).
    StartActivity {
        id: u64,
        level: Verbosity,
        kind: ActivityType,
        text: String,
        fields: Vec<Field>,
        parent: u64,
    },
    /// `STDERR_STOP_ACTIVITY`.
    StopActivity { id: u64 },
    /// `STDERR_RESULT`: build log lines, phases, progress of an activity.
    Result {
        activity: u64,
        kind: ResultType,
        fields: Vec<Field>,
    },
}

impl LogEvent {
    /// The text of a build log line (`Result` of type `BuildLogLine` or `PostBuildLogLine`).
    pub fn build_log_line(&self) -> Option<&str> {
        match self {
            LogEvent::Result {
                kind: ResultType::BuildLogLine | ResultType::PostBuildLogLine,
                fields,
                ..
            } => match fields.first() {
                Some(Field::String(s)) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }

    /// `(done, expected, running, failed)` of a `Progress` result.
    pub fn progress(&self) -> Option<(u64, u64, u64, u64)> {
        match self {
            LogEvent::Result {
                kind: ResultType::Progress,
                fields,
                ..
            } => match fields.as_slice() {
                [Field::Int(a), Field::Int(b), Field::Int(c), Field::Int(d)] => Some((*a, *b, *c, *d)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The callback that receives log events. It may be called from a helper thread while a
/// payload is being streamed to the daemon, hence `Send`.
pub type LogCallback = Box<dyn FnMut(&LogEvent) + Send>;

/// Removes ANSI escape sequences (colours) from a daemon message, as Nix's
/// `filterANSIEscapes` does when stderr is not a terminal.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('[') => {
                chars.next();
                // Parameters and intermediates, then one final byte in '@'..='~'.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                // OSC: until BEL or ESC '\'.
                chars.next();
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        assert_eq!(ActivityType::from_u64(105), ActivityType::Build);
        assert_eq!(ActivityType::from_u64(999), ActivityType::Other(999));
        assert_eq!(ResultType::BuildLogLine.to_u64(), 101);
        assert_eq!(Verbosity::from_u64(3), Verbosity::Info);
        assert_eq!(Verbosity::Vomit.to_u64(), 7);
    }

    #[test]
    fn ansi() {
        assert_eq!(
            strip_ansi("path '\x1b[35;1m/nix/store/x\x1b[0m' is not valid"),
            "path '/nix/store/x' is not valid"
        );
        assert_eq!(strip_ansi("a\x1b]8;;http://x\x07b\x1b]8;;\x1b\\c"), "abc");
        assert_eq!(strip_ansi("plain é"), "plain é");
    }

    #[test]
    fn helpers() {
        let e = LogEvent::Result {
            activity: 1,
            kind: ResultType::BuildLogLine,
            fields: vec![Field::String("hi".into())],
        };
        assert_eq!(e.build_log_line(), Some("hi"));
        let p = LogEvent::Result {
            activity: 1,
            kind: ResultType::Progress,
            fields: vec![Field::Int(1), Field::Int(2), Field::Int(0), Field::Int(0)],
        };
        assert_eq!(p.progress(), Some((1, 2, 0, 0)));
        assert_eq!(e.progress(), None);
    }
}
