//! `htpasswd(user=.., password=..)`: Helm's `htpasswd`, a bcrypt line (`user:$2a$10$…`,
//! cost 10, as Helm writes it). Helm draws a random salt, so every render differs and
//! every diff shows a change; rudder derives the salt from the user, the password and the
//! release (name and namespace), so renders stay reproducible and diffs quiet, while two
//! releases never share a hash.

use sha2::Digest as _;
use tera::{Error, Kwargs, State, Tera, TeraResult};

pub fn register(tera: &mut Tera) {
    tera.register_function("htpasswd", htpasswd);
}

fn htpasswd(kwargs: Kwargs, state: &State) -> TeraResult<String> {
    let user: &str = kwargs.must_get("user")?;
    let password: &str = kwargs.must_get("password")?;
    if user.contains(':') {
        return Err(Error::message("htpasswd: the user name cannot contain ':'"));
    }
    let release = |field: &str| super::convert::context_text(state, "Release", field);
    htpasswd_line(user, password, &release("Name")?, &release("Namespace")?).map_err(Error::message)
}

/// `user:$2a$10$…` with a salt derived from the inputs and the release.
pub(super) fn htpasswd_line(
    user: &str,
    password: &str,
    release: &str,
    namespace: &str,
) -> Result<String, String> {
    if user.contains(':') {
        return Err("htpasswd: the user name cannot contain ':'".into());
    }
    let mut digest = sha2::Sha256::new();
    for part in [user, password, release, namespace] {
        digest.update((part.len() as u64).to_be_bytes());
        digest.update(part.as_bytes());
    }
    let salt: [u8; 16] = digest.finalize()[..16].try_into().expect("16 bytes of a 32-byte digest");
    let hash = bcrypt::hash_with_salt(password, 10, salt).map_err(|e| format!("htpasswd: {e}"))?;
    Ok(format!("{user}:{}", hash.format_for_version(bcrypt::Version::TwoA)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_line_verifies_and_is_the_same_for_the_same_release() {
        let render = |release: &str| {
            let context = serde_json::json!({"Release": {"Name": release, "Namespace": "ns"}});
            super::super::convert::render_with(
                super::register,
                context,
                "{{ htpasswd(user='u', password='p') }}",
            )
        };
        let line = render("r1");
        let (user, hash) = line.split_once(':').unwrap();
        assert_eq!(user, "u");
        assert!(hash.starts_with("$2a$10$"), "{hash}");
        assert!(bcrypt::verify("p", hash).unwrap());
        assert_eq!(render("r1"), line, "reproducible");
        assert_ne!(render("r2"), line, "another release, another salt");
        // What helm v4.1.4 printed for `htpasswd "u" "p"`: the same scheme, so each reads the other.
        assert!(bcrypt::verify("p", "$2a$10$mYmltzzfjUv64u3TzvDWgecSnKRO2NXu9xGRvV8z7jWg1fRMK04Ry").unwrap());
    }
}
