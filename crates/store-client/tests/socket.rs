//! Which daemon socket a store URI and the environment select. The only test in its binary,
//! as it changes environment variables.

use std::path::PathBuf;

use rnix_eval_store::daemon::{daemon_socket_path, default_socket_path};

#[test]
fn socket_selection() {
    let p = |s: &str| PathBuf::from(s);
    std::env::remove_var("NIX_REMOTE");
    std::env::remove_var("NIX_DAEMON_SOCKET_PATH");
    assert_eq!(default_socket_path(), p("/nix/var/nix/daemon-socket/socket"));
    assert_eq!(
        daemon_socket_path(None).unwrap(),
        p("/nix/var/nix/daemon-socket/socket")
    );

    std::env::set_var("NIX_DAEMON_SOCKET_PATH", "/tmp/other/socket");
    assert_eq!(daemon_socket_path(None).unwrap(), p("/tmp/other/socket"));
    assert_eq!(daemon_socket_path(Some("daemon")).unwrap(), p("/tmp/other/socket"));
    // An explicit socket wins over the environment.
    assert_eq!(daemon_socket_path(Some("unix:///run/s")).unwrap(), p("/run/s"));

    std::env::set_var("NIX_REMOTE", "daemon");
    assert_eq!(daemon_socket_path(None).unwrap(), p("/tmp/other/socket"));
    std::env::set_var("NIX_REMOTE", "unix:///run/remote.sock");
    assert_eq!(daemon_socket_path(None).unwrap(), p("/run/remote.sock"));
    assert_eq!(daemon_socket_path(Some("unix:///run/s")).unwrap(), p("/run/s"));
    std::env::set_var("NIX_REMOTE", "ssh://host");
    let e = daemon_socket_path(None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "store URI 'ssh://host' is not a nix-daemon socket (use 'daemon' or 'unix:///path/to/socket')"
    );
    std::env::remove_var("NIX_REMOTE");
    std::env::remove_var("NIX_DAEMON_SOCKET_PATH");
}
