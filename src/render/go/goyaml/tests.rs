use super::*;

#[test]
fn keys_sort_in_go_yaml_order() {
    let mut keys = vec!["b", "a10", "_x", "a9", "Z", "-y", "a", "10", "9"];
    keys.sort_by(|a, b| natural_order(a, b));
    assert_eq!(keys, ["-y", "_x", "9", "10", "Z", "a", "a9", "a10", "b"]);
}

#[test]
fn plain_only_where_it_reads_back_as_a_string() {
    for quoted in
        ["yes", "on", "123", "1.5", "2024-01-01", "~", "null", "0777", "0x1F", "1e3", "", "-.inf", "1:20"]
    {
        assert!(!resolves_to_string(quoted) || is_base60_float(quoted), "{quoted}");
    }
    for plain in ["hello", "1.2.3", "v1", "yess", "0x", "1_000x", "2024-13-01", "- x"] {
        assert!(resolves_to_string(plain), "{plain}");
    }
}
