//! Database URLs: one parser ([`UrlParts`]) behind [`Target::parse`],
//! [`redact`] and [`redact_in`], so that what is parsed and what is hidden
//! cannot disagree.

use super::ConnectError;
use crate::model::Backend;
use std::ops::Range;
use std::path::PathBuf;

/// The database a URL names, for messages: the URL without its password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A SQLite file.
    SqliteFile(PathBuf),
    /// An in-memory SQLite database.
    SqliteMemory,
    /// A PostgreSQL or MySQL server.
    Server {
        /// `postgres` or `mysql`.
        scheme: String,
        host: String,
        port: u16,
        /// The URL, password replaced by `***`.
        redacted: String,
    },
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::SqliteFile(path) => write!(f, "{} (SQLite)", path.display()),
            Target::SqliteMemory => write!(f, "in-memory SQLite"),
            Target::Server { redacted, .. } => write!(f, "{redacted}"),
        }
    }
}

/// A database URL taken apart once: the one parser behind [`Target::parse`],
/// [`redact`] and [`redact_in`], so that what is parsed and what is hidden
/// cannot disagree. It never fails: a URL it cannot make sense of still has
/// whatever looks like a password found and hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
struct UrlParts<'a> {
    url: &'a str,
    /// The scheme, when the URL starts with `scheme://` (or `sqlite:`).
    scheme: Option<&'a str>,
    /// `user[:password]`, before the `@` that ends it.
    user_info: Option<Range<usize>>,
    /// The password, inside `user_info`.
    password: Option<Range<usize>>,
    /// `host[:port]`.
    host_port: Range<usize>,
    /// What follows `?`.
    query: Option<Range<usize>>,
}

impl<'a> UrlParts<'a> {
    /// Takes `url` apart. The user info ends at the last `@` before the
    /// query, the query starting at the first `?` after the first `@`: so
    /// a password holding `/`, `?` or `@` is still found whole (and
    /// [`Target::parse`] refuses the first two, which a URL must encode).
    fn of(url: &'a str) -> Self {
        let scheme_end = url.find(':').filter(|&end| {
            let scheme = &url[..end];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        let (scheme, start) = match scheme_end {
            Some(end) if url[end + 1..].starts_with("//") => (Some(&url[..end]), end + 3),
            Some(end) if &url[..end] == "sqlite" => (Some("sqlite"), end + 1),
            _ => (None, 0),
        };
        let rest = &url[start..];
        let query_from = |from: usize| rest[from..].find('?').map(|at| from + at);
        if scheme == Some("sqlite") {
            return UrlParts {
                url,
                scheme,
                user_info: None,
                password: None,
                host_port: start..start,
                query: query_from(0).map(|at| start + at + 1..url.len()),
            };
        }
        let query = match rest.find('@') {
            Some(first_at) => query_from(first_at),
            None => query_from(0),
        };
        let at = rest[..query.unwrap_or(rest.len())].rfind('@');
        let (user_info, password) = match at {
            Some(at) => {
                let password = rest[..at]
                    .find(':')
                    .map(|colon| start + colon + 1..start + at);
                (Some(start..start + at), password)
            }
            None => (None, None),
        };
        let host_from = at.map_or(0, |at| at + 1);
        let host_to = rest[host_from..]
            .find(['/', '?'])
            .map_or(rest.len(), |end| host_from + end);
        UrlParts {
            url,
            scheme,
            user_info,
            password,
            host_port: start + host_from..start + host_to,
            query: query.map(|at| start + at + 1..url.len()),
        }
    }

    /// The query's `key=value` pairs, each with its value's place in the URL.
    fn params(&self) -> Vec<(&'a str, Range<usize>)> {
        let Some(query) = self.query.clone() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut at = query.start;
        for param in self.url[query].split('&') {
            if let Some((key, value)) = param.split_once('=') {
                let from = at + key.len() + 1;
                out.push((key, from..from + value.len()));
            }
            at += param.len() + 1;
        }
        out
    }

    /// The `password=` parameters' values.
    fn password_params(&self) -> Vec<Range<usize>> {
        self.params()
            .into_iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case("password"))
            .map(|(_, value)| value)
            .collect()
    }

    /// The place of every password: in the user info, and in `password=`.
    fn secrets(&self) -> Vec<Range<usize>> {
        let mut out: Vec<_> = self.password.iter().cloned().collect();
        out.extend(self.password_params());
        out
    }

    /// The URL with every password replaced by `***`.
    fn redacted(&self) -> String {
        let mut secrets = self.secrets();
        secrets.sort_by_key(|range| std::cmp::Reverse(range.start));
        let mut out = self.url.to_owned();
        for range in secrets {
            out.replace_range(range, "***");
        }
        out
    }
}

impl Target {
    /// Reads a database URL. Errors show it without its password.
    pub fn parse(url: &str) -> Result<Target, ConnectError> {
        let parts = UrlParts::of(url);
        let scheme_error = || ConnectError::Scheme {
            url: parts.redacted(),
        };
        let Some(scheme) = parts.scheme else {
            return Err(scheme_error());
        };
        match scheme {
            "sqlite" => {
                let rest = url["sqlite:".len()..].trim_start_matches("//");
                let path = rest.split_once('?').map_or(rest, |(path, _)| path);
                if path.is_empty() || path == ":memory:" || rest.contains("mode=memory") {
                    Ok(Target::SqliteMemory)
                } else {
                    Ok(Target::SqliteFile(PathBuf::from(path)))
                }
            }
            "postgres" | "postgresql" | "mysql" | "mariadb" => {
                let scheme = if scheme.starts_with("postgres") {
                    "postgres"
                } else {
                    "mysql"
                };
                let bad = |reason: String| ConnectError::Other {
                    url: parts.redacted(),
                    reason,
                };
                if let Some(info) = parts.user_info.clone()
                    && let Some(c) = url[info].chars().find(|c| "/?#".contains(*c))
                {
                    return Err(bad(format!(
                        "the user or password holds `{c}`, which ends that part of a URL; write it percent-encoded (`%{:02X}`)",
                        c as u32
                    )));
                }
                let given = parts.password_params().len() + usize::from(parts.password.is_some());
                if given > 1 {
                    return Err(bad(
                        "the password is given twice (`user:password@` and `?password=`); keep one"
                            .to_owned(),
                    ));
                }
                let default_port = if scheme == "postgres" { 5432 } else { 3306 };
                let host_port = &url[parts.host_port.clone()];
                let (host, port) = match host_port.rsplit_once(':') {
                    Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
                        let port = port
                            .parse()
                            .map_err(|_| bad(format!("`{port}` is not a port number")))?;
                        (host, port)
                    }
                    _ => (host_port, default_port),
                };
                Ok(Target::Server {
                    scheme: scheme.to_owned(),
                    host: host.trim_matches(['[', ']']).to_owned(),
                    port,
                    redacted: parts.redacted(),
                })
            }
            _ => Err(scheme_error()),
        }
    }

    /// The backend the URL names.
    pub fn backend(&self) -> Backend {
        match self {
            Target::SqliteFile(_) | Target::SqliteMemory => Backend::Sqlite,
            Target::Server { scheme, .. } if scheme == "postgres" => Backend::Postgres,
            Target::Server { .. } => Backend::MySql,
        }
    }
}

/// `url` with any password replaced by `***`: the one in `user:password@`
/// (found even in a URL that does not parse, up to the last `@` before its
/// query) and a `password=` query parameter.
pub fn redact(url: &str) -> String {
    UrlParts::of(url).redacted()
}

/// `message` with the passwords of `url` (as typed, and percent-decoded)
/// replaced by `***`: for errors that quote the URL they were given.
pub fn redact_in(message: &str, url: &str) -> String {
    let parts = UrlParts::of(url);
    let mut out = message.replace(url, &parts.redacted());
    for range in parts.secrets() {
        let secret = &url[range];
        for secret in [secret.to_owned(), percent_decoded(secret)] {
            if !secret.is_empty() {
                out = out.replace(&secret, "***");
            }
        }
    }
    out
}

/// The `password=` query parameter, percent-decoded: sqlx's MySQL driver
/// reads only `user:password@`, so [`connect`] hands this one over itself.
#[cfg(any(feature = "mysql", test))]
pub(super) fn query_password(url: &str) -> Option<String> {
    let parts = UrlParts::of(url);
    let value = parts.password_params().into_iter().next()?;
    Some(percent_decoded(&url[value]))
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:s3cret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            redact("mysql://root@h/db?password=x&ssl=on"),
            "mysql://root@h/db?password=***&ssl=on"
        );
        assert_eq!(redact("postgress://u:p@h/db"), "postgress://u:***@h/db");
        assert_eq!(
            redact_in(
                "bad url postgres://u:p%40ss@h/db (p@ss)",
                "postgres://u:p%40ss@h/db"
            ),
            "bad url postgres://u:***@h/db (***)"
        );
    }

    /// URLs that do not parse, or parse otherwise than typed: the password
    /// is found by the same parser, whatever the message.
    #[test]
    fn passwords_are_redacted_in_urls_that_do_not_parse() {
        let cases = [
            (
                "postgres://postgres:pa/ss@127.0.0.1:5432/db",
                "postgres://postgres:***@127.0.0.1:5432/db",
            ),
            ("u:S3cr3tPw@127.0.0.1/db", "u:***@127.0.0.1/db"),
            ("postgres://u:pa?ss@h/db", "postgres://u:***@h/db"),
            ("postgres://u:p@ss@h/db", "postgres://u:***@h/db"),
            (
                "mysql://root@h/db?ssl-ca=/a@b.pem&password=S3cr3tPw",
                "mysql://root@h/db?ssl-ca=/a@b.pem&password=***",
            ),
            ("postgres:u:S3cr3tPw@h/db", "postgres:***@h/db"),
        ];
        for (url, redacted) in cases {
            assert_eq!(redact(url), redacted, "{url}");
            let message = match Target::parse(url) {
                Ok(target) => target.to_string(),
                Err(error) => error.to_string(),
            };
            for secret in ["pa/ss", "S3cr3tPw", "pa?ss", "p@ss", "ss@"] {
                if url.contains(secret) {
                    assert!(!message.contains(secret), "{url}: {message}");
                }
            }
        }
        let error = Target::parse("postgres://postgres:pa/ss@127.0.0.1:5432/db").unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot connect to `postgres://postgres:***@127.0.0.1:5432/db`: the user or password holds `/`, \
             which ends that part of a URL; write it percent-encoded (`%2F`)"
        );
        assert!(matches!(
            Target::parse("u:S3cr3tPw@127.0.0.1/db"),
            Err(ConnectError::Scheme { url }) if url == "u:***@127.0.0.1/db"
        ));
        assert!(
            Target::parse("mysql://u:a@h/db?password=b")
                .unwrap_err()
                .to_string()
                .contains("the password is given twice")
        );
        assert_eq!(
            query_password("mysql://u@h/db?ssl=on&password=p%40ss"),
            Some("p@ss".to_owned())
        );
    }

    #[test]
    fn targets() {
        assert_eq!(Target::parse("sqlite:").unwrap(), Target::SqliteMemory);
        assert_eq!(Target::parse("sqlite://").unwrap(), Target::SqliteMemory);
        assert_eq!(
            Target::parse("sqlite::memory:").unwrap(),
            Target::SqliteMemory
        );
        assert_eq!(
            Target::parse("sqlite://a/b.db?mode=rwc").unwrap(),
            Target::SqliteFile("a/b.db".into())
        );
        let Target::Server { host, port, .. } =
            Target::parse("postgres://u:p@127.0.0.1:5499/db").unwrap()
        else {
            panic!()
        };
        assert_eq!((host.as_str(), port), ("127.0.0.1", 5499));
        let Target::Server { port, .. } = Target::parse("mysql://root@localhost/test").unwrap()
        else {
            panic!()
        };
        assert_eq!(port, 3306);
        assert!(matches!(
            Target::parse("postgress://u:secret@h/db"),
            Err(ConnectError::Scheme { url }) if !url.contains("secret")
        ));
    }
}
