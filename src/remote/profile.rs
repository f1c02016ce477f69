//! The static keys and region of a named AWS profile, read from the
//! shared files the AWS CLI writes (`~/.aws/credentials`, `~/.aws/config`).
//!
//! `object_store` reads the environment, web identity tokens and the
//! container's and instance's roles, but not these files; a label's
//! operator who ran `aws configure` expects them to work. Only static keys
//! are read (`aws_access_key_id`, `aws_secret_access_key`,
//! `aws_session_token`) and `region`: a profile that assumes a role or
//! uses SSO needs `aws configure export-credentials --format env` first
//! (README, "Object storage").

use std::path::PathBuf;

/// What a profile holds that isrckit uses.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Profile {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    pub region: Option<String>,
}

impl Profile {
    /// The profile `AWS_PROFILE` names (else `default`), from the files
    /// `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` name (else
    /// those in `~/.aws`); `None` when neither file has it.
    pub(super) fn load() -> Option<Profile> {
        let name = super::env("AWS_PROFILE")
            .or_else(|| super::env("AWS_DEFAULT_PROFILE"))
            .unwrap_or_else(|| "default".into());
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let file = |var: &str, leaf: &str| {
            super::env(var)
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".aws").join(leaf)))
                .and_then(|p| std::fs::read_to_string(p).ok())
        };
        let creds = file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
        let config = file("AWS_CONFIG_FILE", "config");
        let mut p = Profile::default();
        let mut found = false;
        if let Some(text) = &creds {
            found |= read_section(text, &name, &mut p);
        }
        if let Some(text) = &config {
            // The config file names profiles `[profile NAME]`, but `[default]`.
            let section = if name == "default" {
                name.clone()
            } else {
                format!("profile {name}")
            };
            found |= read_section(text, &section, &mut p);
        }
        found.then_some(p)
    }
}

/// Fill `p` from the `[section]` of an INI text; whether it was there.
/// Values already set (from the credentials file) are kept.
fn read_section(text: &str, section: &str, p: &mut Profile) -> bool {
    let mut inside = false;
    let mut found = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = name.trim() == section;
            found |= inside;
            continue;
        }
        if !inside {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().to_string();
        let slot = match key.trim().to_ascii_lowercase().as_str() {
            "aws_access_key_id" => &mut p.access_key_id,
            "aws_secret_access_key" => &mut p.secret_access_key,
            "aws_session_token" => &mut p.session_token,
            "region" => &mut p.region,
            _ => continue,
        };
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_section_is_read_and_others_are_not() {
        let creds = "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s0\n\n# a comment\n[label]\naws_access_key_id=AKIALABEL\naws_secret_access_key = s1\naws_session_token = tok\n";
        let mut p = Profile::default();
        assert!(read_section(creds, "label", &mut p));
        assert_eq!(p.access_key_id.as_deref(), Some("AKIALABEL"));
        assert_eq!(p.secret_access_key.as_deref(), Some("s1"));
        assert_eq!(p.session_token.as_deref(), Some("tok"));
        let config = "[default]\nregion = us-east-1\n[profile label]\nregion = eu-west-1\n";
        assert!(read_section(config, "profile label", &mut p));
        assert_eq!(p.region.as_deref(), Some("eu-west-1"));
        let mut none = Profile::default();
        assert!(!read_section(creds, "other", &mut none));
        assert_eq!(none, Profile::default());
    }
}
