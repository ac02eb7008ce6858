//! A real OpenID Connect provider for sign-on tests: `oidc/provider.js` (the npm package
//! `oidc-provider`, a certified implementation, on Node 20; `npm ci` in `crates/testkit/oidc`
//! first, as `.ci/run` does) on 127.0.0.1 and an ephemeral port. One static client
//! ([`OIDC_CLIENT_ID`], [`OIDC_CLIENT_SECRET`]) for the redirect URI the test gives; its login
//! form takes any login with the password [`OIDC_PASSWORD`] (see the script for the claims).
//! Stopped when the handle drops.

use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const OIDC_CLIENT_ID: &str = "guichet";
pub const OIDC_CLIENT_SECRET: &str = "guichet-test-secret";
pub const OIDC_PASSWORD: &str = "secret";

/// A running provider.
#[derive(Debug)]
pub struct OidcProvider {
    child: Child,
    pub port: u16,
}

impl OidcProvider {
    /// Starts a provider whose client may redirect to each of `redirect_uris`.
    pub fn start(redirect_uris: &[&str]) -> Self {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the test OpenID Connect provider is not installed: run `npm ci` in {}",
            dir.display()
        );
        let mut child = Command::new("node")
            .current_dir(&dir)
            .arg("provider.js")
            .arg(redirect_uris.join(","))
            .arg(OIDC_CLIENT_SECRET)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts (the test OpenID Connect provider needs Node 20)");
        let port = crate::read_port(&mut child, "OpenID Connect provider");
        Self { child, port }
    }

    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
