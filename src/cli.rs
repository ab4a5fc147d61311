//! The command line as `cli.md` fixes it: clap's definitions of every command and option,
//! and how a command ended ([`Done`], [`UsageError`]). The commands themselves are in
//! `commands/`.
// The doc comments below are clap's help text, not rustdoc: `[moderation]` names a rubric
// table and `<worksheet file name>` a placeholder there, not an item or a tag.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "peermark",
    version,
    about = "Marks recovery-story essays against a rubric, offline, with quoted evidence and feed-forward.",
    after_help = "Examples:\n  peermark check my-essay.docx\n  peermark mark submissions/ --out marked\n  peermark override e07 linking 2 --reason \"…\" --assessor \"J. Rivera\" --out marked\n  peermark agree marked/gradebook.csv second-marker.csv\n  peermark rubric check rubrics/recovery-story-essay.toml\n  peermark explain personal_story\n\npeermark works offline and never sends an essay anywhere."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Neither read nor write the phrase cache (what peermark learned about a rubric's
    /// phrases, kept in ~/.cache/peermark to start faster; it holds nothing of any essay).
    #[arg(long, global = true)]
    pub no_cache: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Mark one draft and print a report (for learners).
    #[command(
        after_help = "Examples:\n  peermark check essay.docx\n  peermark check draft.txt --format json\n  cat draft.txt | peermark check -\n  peermark check essay.docx --strict   # exit 3 when not yet achieved"
    )]
    Check {
        /// The draft (.docx, .odt, .pdf, .html, .txt, .md), or - to read plain text from standard
        /// input.
        file: PathBuf,
        /// Rubric file (default: the built-in recovery-story essay rubric).
        #[arg(long)]
        rubric: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Exit with code 3 when the outcome is not yet achieved.
        #[arg(long)]
        strict: bool,
        /// Also write the feedback sheet as a Word document to this file (e.g. sheet.docx).
        #[arg(long, value_name = "FILE.docx")]
        sheet: Option<PathBuf>,
        /// Replace an existing file that peermark cannot show it wrote (or another command's
        /// file). Never replaces an input of the same run.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        limits: crate::limits::LimitArgs,
    },
    /// Mark every submission under the paths, in parallel (for assessors).
    #[command(
        after_help = "Examples:\n  peermark mark samples/\n  peermark mark cohort/ late/ --out marked --jobs 2\n  peermark mark \"PSW101-Recovery story essay-88.zip\"          # a Moodle download\n  peermark mark submissions.zip --roster canvas-gradebook.csv  # a Canvas download\n  peermark mark resubmitted/ --out marked-2 --previous marked --carry-overrides\n\nWrites DIR/gradebook.csv, DIR/results.json, DIR/feedback/<submission>.md and .docx,\nDIR/annotated/<submission>.docx (the essay with margin comments),\nDIR/assessor-notes.csv (for the assessor only) and DIR/report.html (the cohort at a\nglance). `--sheets md` writes the Markdown sheets only.\n\nLMS downloads (Moodle \"Download all submissions\", zipped or unzipped; Canvas\nsubmissions zips) are read in place, nothing extracted: each learner gets the\nsubmission id moodle-<participant> or canvas-<user id> and the gradebook's learner\nand learner_id columns. A learner who handed in several files gets one row: the essay\nis the .docx, else .odt, else .pdf, else .md, else .txt, else online text (.html),\nelse .rtf, else .doc; within one format the largest file; the other files are listed\nin the row's message.\n\nApplies the assessor's overrides in DIR/overrides.csv when it exists (see `peermark\noverride --help`); never changes that file except to append overrides carried forward\nwith --carry-overrides.\n\nOutputs are readable by you only (folders 0700, files 0600) unless --shared-output is\ngiven; nothing is written outside DIR."
    )]
    Mark {
        /// Files, folders and zip archives to mark (folders are searched recursively; zips,
        /// LMS downloads included, are read in place).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// A Canvas gradebook export (CSV) that turns Canvas user ids into learners' full names.
        #[arg(long, value_name = "G.csv")]
        roster: Option<PathBuf>,
        /// Anonymous marking: learner names stay out of the gradebook, results, sheets and
        /// report (submission ids and LMS numbers only) until `peermark export`.
        #[arg(long)]
        anonymous: bool,
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "marked")]
        out: PathBuf,
        /// Parallel jobs (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// No progress bar or summary.
        #[arg(long)]
        quiet: bool,
        /// Write outputs with the usual modes (readable by others as the umask allows)
        /// instead of owner-only (folders 0700, files 0600).
        #[arg(long)]
        shared_output: bool,
        /// Replace files in DIR that peermark cannot show it wrote, or that changed since
        /// (an assessor's edits). Never replaces a submission being marked.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        limits: crate::limits::LimitArgs,
        /// Which sheets to write: md (feedback/*.md), docx (feedback/*.docx), annotated
        /// (annotated/*.docx, the essay with margin comments). Default: all of them.
        #[arg(long, value_enum, value_delimiter = ',', num_args = 1..)]
        sheets: Vec<SheetKind>,
        #[command(flatten)]
        review: crate::cli::ReviewArgs,
    },
    /// Set a criterion's level yourself: appends a row to DIR/overrides.csv (for assessors).
    #[command(
        after_help = "Examples:\n  peermark override strong-docx linking 2 --reason \"The links are implicit but clear in paragraph 6.\" --assessor \"J. Rivera\"\n  peermark override e07 structure Achieved --reason \"Headings were lost in conversion.\" --assessor JR --out marked\n\nThe reason is shown on the learner's feedback sheet next to the level you set.\nRun `peermark mark … --out DIR` again to apply it: the level is yours, score and outcome are\nrecomputed, the gradebook's `overridden` column names the criteria you set, and results.json\nrecords both peermark's proposed level and yours. The file is yours: peermark only ever\nappends to it, and a later row for the same submission and criterion replaces an earlier one."
    )]
    Override {
        /// The submission id, as in gradebook.csv.
        submission: String,
        /// The criterion id (e.g. personal_story; `peermark explain` lists them).
        criterion: String,
        /// The level: a number (0–3 in the default rubric) or a level name (e.g. Achieved).
        level: String,
        /// Why you set this level (one line; the learner sees it).
        #[arg(long)]
        reason: String,
        /// Who you are.
        #[arg(long)]
        assessor: String,
        /// The output folder of `mark` that holds overrides.csv.
        #[arg(long, default_value = "marked")]
        out: PathBuf,
        /// The rubric to check the criterion and level against (default: the built-in one).
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Add the row although DIR holds no results.json (no marked run there yet).
        #[arg(long)]
        force: bool,
    },
    /// Compare two sets of marks: exact and adjacent agreement, QWK, confusion matrices and
    /// outcome agreement (for centres calibrating peermark and for second marking).
    #[command(
        after_help = "Examples:\n  peermark agree marked/gradebook.csv second-marker.csv\n  peermark agree marker-a.csv marker-b.csv --format json\n\nEach file is a gradebook or any CSV with a `submission` column and one column per criterion\nid holding a level (empty = no level). Rows are matched by submission, columns by criterion\nid; other columns are ignored; rows in only one file are listed. Outcome agreement uses the\n`outcome` columns, or the rubric's outcome rule where a file has none."
    )]
    Agree {
        /// The first set of marks (rows of the confusion matrices).
        a: PathBuf,
        /// The second set of marks (columns).
        b: PathBuf,
        #[arg(long, value_enum, default_value_t = crate::cli::AgreeFormat::Text)]
        format: crate::cli::AgreeFormat,
        /// The rubric whose criteria and levels the files use (default: the built-in one).
        #[arg(long)]
        rubric: Option<PathBuf>,
    },
    /// Choose submissions for second marking from a marked folder (for moderators).
    #[command(
        after_help = "Examples:\n  peermark sample marked --size 12\n  peermark sample marked --size 12 --seed 7 --out sample.csv\n\nReads DIR/results.json. The sample holds every not-yet-achieved submission, then every\nborderline one (a level within the rubric's [borderline] margins of a threshold), then the\nachieved ones nearest the outcome boundary, then a random draw across score bands; the\nsame seed always gives the same sample. Writes CSV: submission,reason,outcome,score,detail."
    )]
    Sample {
        /// The output folder of `peermark mark` (holding results.json).
        dir: PathBuf,
        /// How many submissions (default: the rubric's [moderation] size and share).
        #[arg(long)]
        size: Option<usize>,
        /// Seed of the random part (default: the rubric's [moderation] seed, else 2026).
        #[arg(long)]
        seed: Option<u64>,
        /// The rubric the folder was marked with (default: the one DIR/results.json records).
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Write the CSV here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing file that peermark cannot show it wrote (or another command's
        /// file). Never replaces an input of the same run.
        #[arg(long)]
        force: bool,
    },
    /// Put grades and feedback back into an LMS (Moodle or Canvas).
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Rubric tools (for course leads).
    Rubric {
        #[command(subcommand)]
        command: RubricCommand,
    },
    /// Explain a criterion (e.g. personal_story) or a language rule (e.g. L56).
    #[command(after_help = "Examples:\n  peermark explain personal_story\n  peermark explain L56")]
    Explain {
        id: String,
        #[arg(long)]
        rubric: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum RubricCommand {
    /// Validate a rubric file; errors name the field and line.
    #[command(after_help = "Example:\n  peermark rubric check rubrics/recovery-story-essay.toml")]
    Check { rubric: PathBuf },
    /// Write the built-in rubric and the files it includes into a new folder, ready to edit.
    #[command(
        after_help = "Example:\n  peermark rubric init my-course\n  peermark rubric check my-course/recovery-story-essay.toml\n  peermark mark submissions/ --rubric my-course/recovery-story-essay.toml\n\nThe folder holds the rubric (recovery-story-essay.toml), the language rules and the\nsafeguarding cues and model it includes, and README.md describing the format. Untouched,\nit marks exactly as the built-in rubric does (same id and SHA-256)."
    )]
    Init {
        /// The folder to create (it must not exist, or be empty).
        folder: PathBuf,
    },
    /// Fit the level thresholds to your own assessors' marks and write the fitted rubric.
    #[command(
        after_help = "Example:\n  peermark rubric fit last-year/ --marks last-year-marks.csv --out my-course/fitted.toml\n  peermark mark submissions/ --rubric my-course/fitted.toml\n\nThe marks file is the `peermark agree` format: a submission column (the essay's file name\nwithout its extension) and one column per criterion id with a level (0-3 or a level name).\nAn optional group column (a year, a tutor group) makes the check hold out one group at a\ntime. peermark marks the essays, moves each number in the level rules to where it agrees best\nwith your marks, and prints agreement before and after on essays each fit had not seen.\nWith fewer than 30 essays each number moves only part of the way (n/30); a criterion whose\nagreement would not rise by 0.02 keeps its numbers. Numbers the descriptors fix (the word range,\nlapses, every citation matched) never move. The new rubric keeps every comment, records the\nfit in its [fit] table, and includes the same language and safeguarding files."
    )]
    Fit {
        /// Marked essays: files, folders or LMS zips, as for `mark`.
        #[arg(required = true)]
        essays: Vec<PathBuf>,
        /// Your assessors' levels for those essays (CSV: submission, one column per criterion).
        #[arg(long, value_name = "MARKS.csv")]
        marks: PathBuf,
        /// The rubric to start from (default: the built-in one).
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Where to write the fitted rubric (a new file; the files it includes are written
        /// beside it when they are not there yet).
        #[arg(long, value_name = "NEW.toml")]
        out: PathBuf,
        /// Replace an existing file that peermark cannot show it wrote (or another command's
        /// file). Never replaces an input of the same run.
        #[arg(long)]
        force: bool,
    },
}

/// A kind of learner sheet `mark` writes.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum SheetKind {
    /// `feedback/<submission>.md`.
    Md,
    /// `feedback/<submission>.docx`.
    Docx,
    /// `annotated/<submission>.docx`: the essay with margin comments.
    Annotated,
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Fill Moodle's offline grading worksheet (Grade, Feedback comments) and write
    /// DIR/moodle-feedback.zip for "Upload multiple feedback files in a zip".
    #[command(
        after_help = "Example:\n  peermark export moodle --worksheet Grades.csv --results marked\n  peermark export moodle --worksheet Grades.csv --results marked --scale \"achieved=Competent,not_yet_achieved=Not yet competent\"\n\nOnly the Grade and Feedback comments cells of marked learners change; every other\nbyte (BOM, header, quoting, Last modified (grade), learners not marked) stays as\ndownloaded, so Moodle imports every row. Writes to --out, else DIR/<worksheet name>.\n\nGrades and feedback follow the assessor's overrides: where the assessor set a level, the\nfeedback gives their level, what it means and their reason, not peermark's proposal."
    )]
    Moodle {
        /// The grading worksheet downloaded from Moodle (CSV).
        #[arg(long, value_name = "W.csv")]
        worksheet: PathBuf,
        /// The folder `peermark mark --out` wrote.
        #[arg(long, value_name = "DIR")]
        results: PathBuf,
        /// Where to write the filled worksheet (default DIR/<worksheet file name>).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// For a worksheet with a Scale column: the scale item for each outcome.
        #[arg(long, value_name = "achieved=ITEM,not_yet_achieved=ITEM")]
        scale: Option<String>,
        /// The rubric marked with, for the support line that ends the feedback (default: the
        /// one DIR/results.json records).
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Replace an existing file that peermark cannot show it wrote (or another command's
        /// file). Never replaces an input of the same run.
        #[arg(long)]
        force: bool,
    },
    /// Fill one assignment column of a Canvas gradebook export by ID, and write
    /// DIR/canvas-feedback.zip for "Re-upload submissions".
    #[command(
        after_help = "Example:\n  peermark export canvas --gradebook canvas-gradebook.csv --assignment \"Recovery story essay (40721)\" --results marked\n\nThe Points Possible row and every other cell stay as exported; scores are scaled to the\nassignment's points possible (after the assessor's overrides). Writes to --out, else\nDIR/<gradebook file name>.\n\nAlso writes DIR/canvas-feedback.zip: each marked learner's Word feedback sheet (the\nMarkdown sheet where there is no Word one), named as Canvas named their file in the\nsubmissions download. In Canvas, on the assignment's page: \"Re-upload submissions\" →\nchoose the zip; each sheet is added to its learner's submission as a comment, under the\nname of the learner's own file. Online-text submissions have no file to attach a sheet\nto: add those sheets in SpeedGrader."
    )]
    Canvas {
        /// The gradebook exported from Canvas (CSV).
        #[arg(long, value_name = "G.csv")]
        gradebook: PathBuf,
        /// The assignment column: "Title (id)", its title, or its id.
        #[arg(long)]
        assignment: String,
        /// The folder `peermark mark --out` wrote.
        #[arg(long, value_name = "DIR")]
        results: PathBuf,
        /// Where to write the filled gradebook (default DIR/<gradebook file name>).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace an existing file that peermark cannot show it wrote (or another command's
        /// file). Never replaces an input of the same run.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    /// The learner's report: marks with quotes and next steps, then wording to reconsider.
    Text,
    /// The result object (see the README); for scripts.
    Json,
    /// The draft as one self-contained web page, with the marks beside it and each piece of
    /// evidence and wording to reconsider highlighted in place.
    Html,
    /// Compiler-style: each language finding pointing at its line and column, with its code.
    Diagnostics,
}

/// How a command ended, for the exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Done {
    /// Exit 0.
    Ok,
    /// Exit 2: done, but some files could not be marked.
    SomeFailed,
    /// Exit 3: `check --strict` and not yet achieved.
    NotYetAchieved,
}

/// A usage, rubric or output error: exit 1, one line on stderr.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// `mark`'s options for the assessor's review.
#[derive(Args, Debug, Clone, Default)]
pub struct ReviewArgs {
    /// An earlier `mark` output folder: compare each learner's new attempt with it (levels then
    /// and now, what changed in the feedback), in the sheets and results.json.
    #[arg(long, value_name = "OLD_DIR")]
    pub previous: Option<PathBuf>,
    /// With --previous: carry the assessor's overrides in OLD_DIR/overrides.csv forward for
    /// criteria that did not change (same proposed level from the same evidence), by appending
    /// them to DIR/overrides.csv.
    #[arg(long, requires = "previous")]
    pub carry_overrides: bool,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum AgreeFormat {
    Text,
    Json,
}
