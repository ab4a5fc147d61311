//! Prints every measure of the default rubric (or `--rubric FILE`) for each essay given, for
//! rubric authors calibrating thresholds: `cargo run --example measures -- essay.txt …`.

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let rubric_path = args.iter().position(|a| a == "--rubric").map(|i| {
        let p = args.remove(i + 1);
        args.remove(i);
        std::path::PathBuf::from(p)
    });
    let rubric = peermark_engine::load_rubric(rubric_path.as_deref()).expect("rubric");
    for f in args {
        let path = std::path::Path::new(&f);
        let format = peermark_ingest::Format::from_path(path).expect("a submission format");
        let doc = peermark_ingest::read_file(path, format).expect("readable");
        let findings = rubric.language.check(&doc);
        let a = peermark_engine::analyse::analyse(&rubric, &doc, &findings);
        let values: Vec<String> = a
            .values
            .iter()
            .map(|(k, v)| format!("{k}={}", (v * 100.0).round() / 100.0))
            .collect();
        println!("{f}\t{}", values.join(" "));
    }
}
