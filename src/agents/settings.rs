//! Finding a target's unsafe settings in a parsed settings file: one matcher for the
//! write-time guard and the scanner.

use crate::model::agent::{Scalar, UnsafeSetting};
use crate::syntax::yaml::{Node, NodeKind};

/// Every place in `root` where `rule`'s setting holds its unsafe value, with the concrete JSON
/// pointer of each.
pub fn find<'n>(root: &'n Node, rule: &UnsafeSetting) -> Vec<(String, &'n Node)> {
    let segments: Vec<&str> = rule.setting.split('/').skip(1).collect();
    let mut found = Vec::new();
    walk(root, &segments, String::new(), &mut found);
    found.retain(|(_, node)| refuses(rule, &node.kind));
    found
}

/// Whether `value` is the one `rule` refuses.
fn refuses(rule: &UnsafeSetting, value: &NodeKind) -> bool {
    match (&rule.equals, value) {
        (Some(Scalar::Bool(want)), NodeKind::Bool(found)) => want == found,
        (Some(Scalar::Text(want)), NodeKind::String(found)) => want == found,
        (None, NodeKind::Seq(items)) => rule.non_empty && !items.is_empty(),
        _ => false,
    }
}

/// Follows `segments` from `node`. A key holding the remaining segments joined by dots is
/// tried first, since VS Code and others write nested settings as one flat key.
fn walk<'n>(node: &'n Node, segments: &[&str], at: String, out: &mut Vec<(String, &'n Node)>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push((at, node));
        return;
    };
    let NodeKind::Map(entries) = &node.kind else {
        return;
    };
    if !rest.is_empty() && !segments.contains(&"*") {
        let flat = segments.join(".");
        if let Some((_, key, value)) = entries.iter().find(|(_, key, _)| *key == flat) {
            out.push((format!("{at}/{key}"), value));
            return;
        }
    }
    for (_, key, value) in entries {
        if *first == "*" || key == first {
            walk(value, rest, format!("{at}/{key}"), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::agent::Effect;

    fn rule(setting: &str, equals: Option<Scalar>) -> UnsafeSetting {
        UnsafeSetting {
            setting: setting.into(),
            non_empty: equals.is_none(),
            equals,
            effect: Effect::ApprovalBypass,
            why: "it is unsafe".into(),
        }
    }

    fn pointers(json: &str, rule: &UnsafeSetting) -> Vec<String> {
        let root = crate::syntax::jsonc::parse(json).unwrap();
        find(&root, rule).into_iter().map(|(at, _)| at).collect()
    }

    #[test]
    fn nested_flat_and_wildcard_keys_are_found() {
        let yolo = rule(
            "/general/defaultApprovalMode",
            Some(Scalar::Text("yolo".into())),
        );
        assert_eq!(
            pointers(r#"{"general": {"defaultApprovalMode": "yolo"}}"#, &yolo),
            ["/general/defaultApprovalMode"]
        );
        assert!(pointers(r#"{"general": {"defaultApprovalMode": "default"}}"#, &yolo).is_empty());
        let vscode = rule("/chat/tools/global/autoApprove", Some(Scalar::Bool(true)));
        assert_eq!(
            pointers(r#"{"chat.tools.global.autoApprove": true}"#, &vscode),
            ["/chat.tools.global.autoApprove"]
        );
        let trust = rule("/mcpServers/*/trust", Some(Scalar::Bool(true)));
        assert_eq!(
            pointers(
                r#"{"mcpServers": {"a": {"trust": false}, "b": {"trust": true}}}"#,
                &trust
            ),
            ["/mcpServers/b/trust"]
        );
    }

    #[test]
    fn non_empty_lists_and_false_switches() {
        let auto = rule("/mcpServers/*/autoApprove", None);
        assert_eq!(
            pointers(r#"{"mcpServers": {"k": {"autoApprove": ["*"]}}}"#, &auto),
            ["/mcpServers/k/autoApprove"]
        );
        assert!(pointers(r#"{"mcpServers": {"k": {"autoApprove": []}}}"#, &auto).is_empty());
        let trust_off = rule("/security/folderTrust/enabled", Some(Scalar::Bool(false)));
        assert_eq!(
            pointers(
                r#"{"security": {"folderTrust": {"enabled": false}}}"#,
                &trust_off
            ),
            ["/security/folderTrust/enabled"]
        );
    }
}
