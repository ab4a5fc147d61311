//! Frames, word senses, overlaps, rule replacement and errors, checked with the shipped frame
//! cues (they are data: the classifier has no word lists of its own).

use peermark_language::{
    Finding, Frame, LanguageError, LanguageSettings, RuleSet, RuleSpec, Severity,
};
use peermark_text::document::Hint;
use peermark_text::{Document, Paragraph, SourceLines};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    language: LanguageSettings,
}

fn load(name: &str) -> Option<LanguageSettings> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../rubrics")
        .join(name);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(
        toml::from_str::<File>(&text)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .language,
    )
}

fn part_one() -> LanguageSettings {
    load("recovery-language-rules.toml").expect("rule file")
}

fn shipped() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut s = part_one();
        if let Some(two) = load("recovery-language-rules-2.toml") {
            s.merge(two);
        }
        RuleSet::compile(&s).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Findings of one rule in one sentence.
fn of(rule: &str, text: &str) -> Vec<Finding> {
    shipped()
        .check_text(text)
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

fn frame(rule: &str, text: &str) -> Option<(Frame, bool)> {
    let f = of(rule, text);
    assert!(f.len() <= 1, "{text}: {f:?}");
    f.first().map(|f| (f.frame, f.lapse))
}

fn lapse(rule: &str, text: &str) -> bool {
    of(rule, text).iter().any(|f| f.lapse)
}

fn has_rule(id: &str) -> bool {
    shipped().rule(id).is_some()
}

// ---------------------------------------------------------------------------- quotes

#[test]
fn quotes_straight_curly_single_double() {
    for t in [
        "A nurse called me \"a junkie\" at the desk.",
        "A nurse called me “a junkie” at the desk.",
        "A nurse called me 'a junkie' at the desk.",
        "A nurse called me ‘a junkie’ at the desk.",
        "The sign said «junkies keep out».",
    ] {
        assert_eq!(frame("L12", t).map(|f| f.0), Some(Frame::Quoted), "{t}");
    }
}

#[test]
fn apostrophes_are_not_quotes() {
    // don't, people's, nurses' must not open or close a quotation.
    assert!(lapse(
        "L12",
        "I don't know why the nurses' view of the junkies on the ward was so harsh."
    ));
    assert!(lapse(
        "L12",
        "People's fear of junkies isn't new, and the staff's jokes didn't help."
    ));
    assert!(lapse(
        "L19",
        "In the '90s the psychos were kept on locked wards."
    ));
    assert!(lapse(
        "L12",
        "The patients’ lounge was where the junkies’ friends waited."
    ));
}

#[test]
fn double_quotes_span_sentences() {
    let t = "She wrote: \"He will never change. He is a junkie and always will be.\" I kept the letter.";
    assert_eq!(frame("L12", t).map(|f| f.0), Some(Frame::Quoted));
    let t = "She wrote: “He will never change. He is a junkie.” I kept the letter.";
    assert_eq!(frame("L12", t).map(|f| f.0), Some(Frame::Quoted));
}

#[test]
fn italics_count_as_quotes() {
    let text = "Staff called me manipulative at every review.";
    let start = text.find("manipulative").unwrap();
    let mut p = Paragraph::new(text, Hint::None);
    let range = start..start + "manipulative".len();
    p.emphasis.push(range);
    let doc = Document::new(vec![p], SourceLines::File);
    let fs = shipped().check(&doc);
    let f = fs.iter().find(|f| f.rule == "L39").unwrap();
    assert!(!f.lapse);
    // Reported and italic: either way not a lapse; italics are checked first.
    assert_eq!(f.frame, Frame::Quoted);
}

// ---------------------------------------------------------------------------- frames

#[test]
fn reported_and_labelled_by_others() {
    for t in [
        "I was called a junkie for years.",
        "I was labelled a psycho at school.",
        "I was labeled a psycho at school.",
        "Staff wrote that I was manipulative.",
        "The consultant described me as manipulative.",
        "I was told I was a hopeless alcoholic.",
        "My notes said I was non-compliant.",
        "In my notes it says I was non-compliant.",
        "People think I'm crazy because I hear voices.",
        "The junkies, as the papers called them, were just people in pain.",
        "According to my psychiatrist, I was treatment resistant.",
        "She called herself a nutter, laughing, but I could see it hurt.",
    ] {
        let f = shipped().check_text(t);
        assert!(
            f.iter().any(|f| f.frame == Frame::Reported && !f.lapse),
            "{t}: {f:?}"
        );
        assert!(!f.iter().any(|f| f.lapse), "{t}: {f:?}");
    }
}

#[test]
fn reporting_is_clause_scoped() {
    // The reporting clause is a relative clause closed by a comma: the main verb is the writer's.
    let t = "In 2017 my friend from the ward, the man who had told me I would be back, committed suicide.";
    if has_rule("L56") {
        assert!(lapse("L56", t));
        // A scope break ends the report.
        assert!(lapse(
            "L56",
            "He told us he loved us the night before he committed suicide."
        ));
    }
    // "I said / I called" is the writer's own voice.
    assert!(lapse("L19", "I told my sister that her ex was a psycho."));
    // A list inside the relative clause is still reported.
    assert!(!lapse(
        "L36",
        "I remember the nurse who wrote that I was manipulative, non-compliant and rude."
    ));
}

#[test]
fn mention_of_the_word() {
    for t in [
        "Words like junkie and crackhead dehumanise people.",
        "The term schizophrenic reduces people to a diagnosis.",
        "So-called junkies are people too.",
        "Calling someone a junkie is cruel.",
        "What they call a nutter is usually someone in distress.",
    ] {
        let f = shipped().check_text(t);
        assert!(f.iter().any(|f| f.frame == Frame::Mention), "{t}: {f:?}");
        assert!(!f.iter().any(|f| f.lapse), "{t}: {f:?}");
    }
}

#[test]
fn negated_or_rejected() {
    for (rule, t) in [
        ("L12", "I am not a junkie; I am a person in recovery."),
        ("L12", "I was never a junkie."),
        ("L01", "She was more than a schizophrenic to me."),
        ("L23", "Rather than a nutter, I see a frightened man."),
        ("L19", "He's no psycho; he's my brother."),
        ("L13", "I am more than an alcoholic."),
    ] {
        assert_eq!(frame(rule, t), Some((Frame::Negated, false)), "{t}");
    }
}

#[test]
fn advice_against_a_word() {
    for (rule, t) in [
        (
            "L01",
            "We should avoid saying schizophrenic about a person.",
        ),
        (
            "L12",
            "Instead of saying someone is a junkie, say they use drugs.",
        ),
        ("L21", "Don't call me crazy."),
    ] {
        let f = of(rule, t);
        assert_eq!(f.len(), 1, "{t}");
        assert_eq!(f[0].frame, Frame::Advice, "{t}");
        assert!(!f[0].lapse && f[0].awareness, "{t}");
    }
}

#[test]
fn past_self_description_reflected_on() {
    let t = "I used to call myself a junkie, but now I describe myself as a person in recovery.";
    let f = of("L12", t);
    assert_eq!(f[0].frame, Frame::PastSelfReflected);
    assert!(!f[0].lapse && f[0].awareness);
    // The change may come in a later sentence of the paragraph.
    let t = "For years I called myself a nutter. These days I just say I hear voices.";
    assert_eq!(frame("L23", t), Some((Frame::PastSelfReflected, false)));
    // Without a stated change it is still the writer's own words about themselves: never a lapse.
    let t = "I used to think I was a lunatic.";
    assert_eq!(frame("L24", t), Some((Frame::OwnVoiceSelf, false)));
}

#[test]
fn chosen_self_identification() {
    // Self-ok: no finding at all.
    assert!(of(
        "L13",
        "I am an alcoholic, and I have been sober for six years."
    )
    .is_empty());
    assert!(of("L11", "I'm an addict and proud of my recovery.").is_empty());
    assert!(of("L29", "I identify as mad.").is_empty());
    assert!(of("L13", "The alcoholic in me still wants a drink some days.").is_empty());
    // Self-note: a gentle note, never a lapse.
    assert_eq!(
        frame("L01", "As a schizophrenic, I often feel judged."),
        Some((Frame::SelfIdentification, false))
    );
    assert_eq!(
        frame(
            "L09",
            "At the group I met other sufferers who knew what I meant."
        ),
        Some((Frame::SelfIdentification, false))
    );
}

#[test]
fn first_person_applies_the_self_code() {
    // note
    assert_eq!(
        frame("L30", "I was suffering from panic attacks."),
        Some((Frame::OwnVoiceSelf, false))
    );
    assert_eq!(
        frame("L12", "When I was using, I was a junkie."),
        Some((Frame::OwnVoiceSelf, false))
    );
    // ok
    assert!(of("L15", "I've been clean for three years.").is_empty());
    assert!(of("L32", "I've battled anxiety since my teens.").is_empty());
    // lapse (no self code in the table)
    assert_eq!(
        frame("L27", "I felt completely unhinged that winter."),
        Some((Frame::OwnVoiceSelf, true))
    );
    // Generic "you" is the writer's perspective, not a label for someone else.
    assert!(!lapse(
        "L12",
        "If you think you're just a junkie, there's no point trying."
    ));
}

#[test]
fn own_voice_about_others_is_a_lapse() {
    for (rule, t, sev) in [
        (
            "L01",
            "I shared a corridor with the schizophrenics on the ward.",
            Severity::M,
        ),
        (
            "L11",
            "The addicts in the group were honest and welcoming.",
            Severity::M,
        ),
        (
            "L09",
            "Depression sufferers often lose hope completely.",
            Severity::M,
        ),
        ("L30", "My father suffered from depression.", Severity::M),
        (
            "L07",
            "Society still treats the mentally ill as second-class citizens.",
            Severity::M,
        ),
        (
            "L36",
            "For years he was non-compliant with his medication.",
            Severity::M,
        ),
        (
            "L12",
            "The junkies outside the chemist were there every morning.",
            Severity::H,
        ),
    ] {
        let f = of(rule, t);
        assert_eq!(f.len(), 1, "{t}");
        assert_eq!(
            (f[0].frame, f[0].lapse, f[0].severity),
            (Frame::OwnVoiceOther, true, sev),
            "{t}"
        );
        assert!(!f[0].message.is_empty() && !f[0].suggestions.is_empty());
    }
}

#[test]
fn severity_l_is_a_low_severity_note() {
    let f = of("L16", "A former junkie spoke to our group.");
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].frame, f[0].lapse, f[0].severity),
        (Frame::LowSeverity, false, Severity::L)
    );
    // L32 takes M for "lost … battle".
    let f = of("L32", "My friend lost his battle with depression.");
    assert_eq!((f[0].lapse, f[0].severity), (true, Severity::M));
    // L13 slurs take H.
    let f = of("L13", "The drunks at the bus station shouted at everyone.");
    assert_eq!((f[0].lapse, f[0].severity), (true, Severity::H));
    let f = of("L13", "His father was an alcoholic.");
    assert_eq!((f[0].lapse, f[0].severity), (true, Severity::M));
}

#[test]
fn awareness_is_a_strength() {
    let f = of(
        "L40",
        "I was called 'attention seeking' by a doctor. Now I understand how much that label hurt.",
    );
    if has_rule("L40") {
        assert!(f[0].awareness && !f[0].lapse);
    }
    let f = of("L01", "One psychiatrist wrote \"schizophrenic\" on a form.");
    assert!(!f[0].awareness && !f[0].lapse);
}

// ---------------------------------------------------------------------------- who a term is said of

#[test]
fn predicates_take_their_subject() {
    // A possessive does not make the subject the writer: "my sponsor" is someone else.
    for (rule, t) in [
        ("L13", "I think my sponsor has been an alcoholic for years."),
        ("L06", "My friend has been psychotic since the summer."),
        ("L12", "When I met him, my best mate was a junkie."),
        ("L12", "The man I met at the station was a junkie."),
        ("L13", "The nurse who looked after me was an alcoholic."),
    ] {
        assert_eq!(frame(rule, t), Some((Frame::OwnVoiceOther, true)), "{t}");
    }
    // The writer, through coordination, linking verbs and "one of".
    for (rule, t) in [
        ("L12", "I have been a drug user and a junkie."),
        ("L12", "I was a mother, a sister and a junkie."),
        (
            "L12",
            "I was one of the junkies hanging around the station.",
        ),
        ("L12", "Me and my mates were all junkies back then."),
        ("L19", "I felt like a psycho for hearing voices."),
    ] {
        assert_eq!(frame(rule, t), Some((Frame::OwnVoiceSelf, false)), "{t}");
    }
    // A thing is not a person: about-people terms need one.
    assert!(of("L21", "My life was pretty crazy that year.").is_empty());
    assert!(of("L21", "I told my mum the whole thing was crazy.").is_empty());
    // "what looked like" is said of a thing, in the writer's words about someone else's act.
    if has_rule("L60") {
        assert!(lapse(
            "L60",
            "I saw what looked like a suicidal gesture from the lad in bed three."
        ));
    }
}

#[test]
fn person_nouns_as_objects_are_about_others() {
    for (rule, t) in [
        ("L01", "We had two schizophrenics on the ward that month."),
        ("L04", "I interviewed two bulimics for my project."),
        ("L13", "I've known many alcoholics."),
        ("L12", "I sat next to a junkie on the bus."),
        ("L12", "I was surrounded by junkies in the hostel."),
    ] {
        assert_eq!(frame(rule, t), Some((Frame::OwnVoiceOther, true)), "{t}");
    }
    // ... but not "an addict like me", nor an event the writer made.
    assert!(!lapse(
        "L11",
        "It was hard for an addict like me to find work."
    ));
    if has_rule("L58") {
        assert!(!lapse("L58", "I survived a failed attempt on my life."));
    }
}

#[test]
fn negative_subjects_negate() {
    for (rule, t) in [
        ("L12", "None of the people in my group are junkies."),
        ("L19", "Nobody on that ward was a psycho."),
        ("L23", "Not one person on that ward was a nutter."),
        ("L13", "Neither of my parents was an alcoholic."),
        ("L21", "Nobody there was crazy."),
        (
            "L12",
            "It was never just a junkie's problem, and he was never a junkie.",
        ),
    ] {
        let f = of(rule, t);
        assert!(
            f.iter().any(|f| f.frame == Frame::Negated) && !f.iter().any(|f| f.lapse),
            "{t}: {f:?}"
        );
    }
    // A negative word elsewhere in the sentence is not the subject.
    assert!(lapse("L12", "No one realised my brother was a junkie."));
    assert!(lapse("L12", "Nobody knew he was a junkie."));
}

#[test]
fn reports_and_their_scope() {
    // Reported labels of third persons.
    for (rule, t) in [
        (
            "L13",
            "The social worker referred to my dad as an alcoholic.",
        ),
        (
            "L12",
            "A neighbour always referred to my brother as a junkie.",
        ),
    ] {
        assert_eq!(frame(rule, t), Some((Frame::Reported, false)), "{t}");
    }
    // The writer's own labelling is not a report.
    assert!(lapse(
        "L12",
        "I referred to my uncle as a junkie for years."
    ));
    // A clause break ends the report, and the writer of the first clause.
    assert!(lapse(
        "L19",
        "Staff called me difficult, but the real psycho on the ward was the night manager."
    ));
    assert!(lapse(
        "L12",
        "They called me a liar, and the junkies on the corridor laughed."
    ));
    assert!(!lapse("L12", "They called me a liar, and a junkie."));
    // A report whose words are a quotation does not reach past it.
    assert!(lapse(
        "L12",
        "She said ‘recovery is a process’, and the junkies in the hostel laughed."
    ));
    assert!(!lapse("L12", "They called him ‘difficult’ and a junkie."));
    // Rejecting a word and past self-description with "say" / "think".
    assert!(!lapse("L12", "I refuse to call them junkies."));
    assert!(!lapse(
        "L39",
        "I used to think I was a manipulative person; now I understand I was trying to cope."
    ));
    assert!(!lapse(
        "L12",
        "I used to believe I was nothing but a junkie; now I know I am much more."
    ));
}

#[test]
fn plural_possessives_are_not_quotes() {
    assert!(lapse(
        "L12",
        "At the residents' meeting the junkies sat at the back, and the volunteers' patience ran out."
    ));
    assert!(lapse(
        "L13",
        "We were taught ‘recovery is a process’, but the alcoholics upstairs never got help."
    ));
}

// ---------------------------------------------------------------------------- word senses

#[test]
fn word_senses() {
    // mental health is not mental
    assert!(of("L22", "My mental health got worse after the redundancy.").is_empty());
    assert!(lapse(
        "L22",
        "The lad in the next bed was completely mental."
    ));
    // a bipolar diagnosis is not a bipolar
    assert!(of("L02", "My brother-in-law has a bipolar diagnosis.").is_empty());
    assert!(lapse(
        "L02",
        "There was a bipolar in the next bed who never slept."
    ));
    // victim of a crime is not victim of depression
    assert!(of("L33", "I was a victim of crime in 2012.").is_empty());
    assert!(of("L10", "I was a victim of crime in 2012.").is_empty());
    assert!(lapse(
        "L10",
        "He was a victim of depression for most of his life."
    ));
    // my abuser (domestic abuse) is not L14
    assert!(of("L14", "My abuser controlled every part of my life.").is_empty());
    assert!(lapse("L14", "He was a drug abuser and had been in prison."));
    // a clean kitchen is not L15
    assert!(of("L15", "The kitchen was always clean.").is_empty());
    assert!(of("L15", "I finally came clean to my family.").is_empty());
    assert!(lapse("L15", "He's been clean for two years now."));
    // crazy busy and nuts about football are not about people
    assert!(of("L21", "Work has been crazy busy.").is_empty());
    assert!(of("L21", "It's been a crazy few months.").is_empty());
    assert!(of("L23", "My dad is nuts about football.").is_empty());
    assert!(lapse(
        "L23",
        "The lad upstairs is nuts and everyone avoids him."
    ));
    // proper names of services and groups
    assert!(shipped()
        .check_text("The Addictions Service helped me more than anyone.")
        .is_empty());
    assert!(of("L13", "Alcoholics Anonymous saved my life.").is_empty());
    assert!(of("L14", "I worked at the Alcohol Abuse Centre for two years.").is_empty());
    assert!(of("L29", "Mad Pride helped me find my voice.").is_empty());
    // substrings
    let t = "The psychology course taught me about cases of psychosis and psychosocial support.";
    assert!(
        shipped().check_text(t).iter().all(|f| !f.lapse),
        "{:?}",
        shipped().check_text(t)
    );
    assert!(
        of("L19", t).is_empty() && of("L20", "My schizoaffective diagnosis came late.").is_empty()
    );
}

#[test]
fn word_senses_in_part_two() {
    // Rules L40–L78 live in the second file; check the senses the contract names when present.
    if has_rule("L73") {
        assert!(!lapse("L73", "I had workplace burnout in 2019."));
    }
    if has_rule("L54") {
        assert!(!lapse(
            "L54",
            "There was a violent incident on the ward that night."
        ));
    }
    if has_rule("L42") {
        assert!(!lapse("L42", "The regulars at the café knew my name."));
    }
    if has_rule("L44") {
        assert!(!lapse(
            "L44",
            "In most cases of psychosis, early help matters."
        ));
    }
}

// ---------------------------------------------------------------------------- overlaps

#[test]
fn longest_match_wins() {
    let f = shipped().check_text("He is an ex-addict who now runs the café.");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule, "L16");
    assert_eq!(f[0].text, "ex-addict");
    let f = shipped().check_text("The depression sufferers' group met on Tuesdays.");
    assert_eq!(
        f.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(),
        vec!["depression sufferers"]
    );
}

// ---------------------------------------------------------------------------- documents

#[test]
fn documents_skip_the_reference_list() {
    let paras = [
        "Living Well",
        "Introduction",
        "The addicts in the group were kind to me.",
        "In conclusion, recovery is possible.",
        "References",
        "Smith, J. (2010) Junkies and alcoholics: a history. London: Press.",
    ];
    let doc = Document::new(
        paras
            .iter()
            .map(|t| Paragraph::new(*t, Hint::None))
            .collect(),
        SourceLines::Extracted,
    );
    let fs = shipped().check(&doc);
    assert_eq!(fs.len(), 1, "{fs:?}");
    assert_eq!(fs[0].paragraph, 2);
    let p = &doc.paragraphs[2].text;
    assert_eq!(&p[fs[0].range.clone()], "addicts");
    assert_eq!(doc.position(fs[0].paragraph, fs[0].range.start).column, 5);
}

// ---------------------------------------------------------------------------- rules as data

fn rule(id: &str, pattern: &str) -> RuleSpec {
    RuleSpec {
        id: id.into(),
        title: format!("test {id}"),
        category: "label".into(),
        severity: "M".into(),
        patterns: vec![pattern.into()],
        why: "It is a test.".into(),
        alternatives: vec!["something kinder".into()],
        flag: vec![format!("They are {pattern}.")],
        ..Default::default()
    }
}

#[test]
fn later_rules_replace_earlier_ones_and_disabled_rules_go() {
    let mut s = part_one();
    let count = s.rule.len();
    let mut replacement = rule("L12", "wombat*");
    replacement.title = "replaced".into();
    s.rule.push(replacement);
    s.rule.push(rule("X01", "gremlin*"));
    s.disable.push("L19".into());
    let set = RuleSet::compile(&s).unwrap();
    assert_eq!(set.rules().len(), count + 1 - 1);
    assert_eq!(set.rule("L12").unwrap().title, "replaced");
    // The replacement keeps the table position.
    assert_eq!(set.rules().iter().position(|r| r.id == "L12"), Some(11));
    assert!(set.rule("L19").is_none());
    assert!(set.check_text("The junkies were kind.").is_empty());
    assert!(set.check_text("Some psycho smashed a window.").is_empty());
    let f = set.check_text("The wombats were kind and the gremlins were not.");
    assert_eq!(
        f.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(),
        vec!["L12", "X01"]
    );
    assert!(f.iter().all(|f| f.lapse));
}

#[test]
fn intensifier_macro_and_self_lapse_patterns() {
    let mut s = part_one();
    let mut r = rule("X01", "(is|was) @intensifiers {wombat*}");
    r.about_people = true;
    r.self_code = Some("ok".into());
    r.self_lapse_patterns = vec!["{wombat*} about (tidy*|tidiness)".into()];
    s.rule.push(r);
    let set = RuleSet::compile(&s).unwrap();
    let lapses = |t: &str| set.check_text(t).iter().any(|f| f.rule == "X01" && f.lapse);
    assert!(lapses("My brother is pretty wombat."));
    assert!(lapses("My brother was much more wombat after that."));
    assert!(!lapses("I am completely wombat."));
    // A self-lapse form counts in first person too.
    assert!(lapses("I am wombat about tidying."));
    // No person, no hit.
    assert!(set.check_text("The garden is totally wombat.").is_empty());
}

#[test]
fn errors_name_the_rule_and_field() {
    let err = |spec: RuleSpec| -> String {
        let mut s = LanguageSettings::default();
        s.rule.push(rule("L11", "addict*"));
        s.rule.push(spec);
        RuleSet::compile(&s).map(|_| ()).unwrap_err().to_string()
    };
    let mut r = rule("L12", "junkie*");
    r.patterns.push("(unclosed".into());
    assert_eq!(err(r), "rule L12, patterns[1]: unclosed '('");
    let mut r = rule("L12", "junkie*");
    r.not_when = vec!["fine".into(), "bad)".into()];
    assert_eq!(err(r), "rule L12, not_when[1]: ')' without '('");
    let mut r = rule("L12", "junkie*");
    r.severe_patterns = vec!["{broken".into()];
    assert_eq!(err(r), "rule L12, severe_patterns[0]: unclosed '{'");
    let mut r = rule("L12", "junkie*");
    r.severity = "X".into();
    assert_eq!(
        err(r),
        "rule L12, severity: \"X\" is not one of \"H\", \"M\", \"L\""
    );
    let mut r = rule("L12", "junkie*");
    r.self_code = Some("maybe".into());
    assert_eq!(
        err(r),
        "rule L12, self: \"maybe\" is not one of \"ok\", \"note\", \"lapse\""
    );
    let mut r = rule("L12", "junkie*");
    r.why = String::new();
    assert!(err(r).starts_with("rule L12, why: missing"));
    let mut r = rule("L12", "junkie*");
    r.patterns = vec!["re:(?P<core>x".into()];
    assert!(err(r).starts_with("rule L12, patterns[0]: "));
    let r = rule("", "junkie*");
    assert_eq!(err(r), "language rule #2: id is missing");

    let mut s = LanguageSettings::default();
    s.frames.reporting = vec!["was called".into(), "(told me".into()];
    let e = RuleSet::compile(&s).map(|_| ()).unwrap_err();
    assert!(matches!(e, LanguageError::Frame { .. }));
    assert_eq!(e.to_string(), "frames.reporting[1]: unclosed '('");
    let mut s = LanguageSettings::default();
    s.frames.person_words = vec!["he".into(), "_ she".into()];
    assert!(RuleSet::compile(&s)
        .map(|_| ())
        .unwrap_err()
        .to_string()
        .starts_with("frames.person_words[1]: "));
}

#[test]
fn explain_names_everything() {
    let r = shipped().rule("L12").unwrap();
    let text = r.explain();
    for part in [
        &r.id,
        &r.title,
        &r.why,
        &r.source,
        &r.alternatives[0],
        &r.flag[0],
        &r.pass[0],
    ] {
        assert!(text.contains(part.as_str()), "{text}");
    }
    assert!(text.contains("Severity: H"));
}

#[test]
fn rule_set_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<RuleSet>();
}

// ---------------------------------------------------------------------------- regressions

#[test]
fn tricky_sentences() {
    // (rule, sentence, counted as a lapse)
    let cases: &[(&str, &str, bool)] = &[
        // not lapses
        (
            "L12",
            "The junkies, as the papers called them, were just people in pain.",
            false,
        ),
        ("L12", "We were all junkies back then.", false),
        (
            "L12",
            "Me and the other junkies used to hang about the park.",
            false,
        ),
        ("L12", "Nobody should be called a junkie.", false),
        (
            "L12",
            "Years ago I described my brother as a junkie; now I say he uses drugs.",
            false,
        ),
        (
            "L23",
            "Back then I would have called him a nutter, but now I understand he was terrified.",
            false,
        ),
        (
            "L23",
            "The staff called the other patients nutters, and I never forgot it.",
            false,
        ),
        (
            "L11",
            "I once thought all addicts were weak. Now I know better.",
            false,
        ),
        ("L13", "I'm a recovering alcoholic.", false),
        (
            "L19",
            "The film Psycho gave a whole generation the wrong idea.",
            false,
        ),
        (
            "L21",
            "Everyone at work went crazy when I said I was leaving.",
            false,
        ),
        (
            "L24",
            "I remember thinking that only a lunatic would hear voices.",
            false,
        ),
        (
            "L27",
            "I felt disturbed and frightened after the assault.",
            false,
        ),
        (
            "L27",
            "My sleep was disturbed for years after what happened.",
            false,
        ),
        ("L28", "I felt like I was going insane.", false),
        ("L29", "Mad people like me have always existed.", false),
        (
            "L30",
            "Suffering from depression, I stopped going out.",
            false,
        ),
        (
            "L36",
            "The staff were compliant with the new policy.",
            false,
        ),
        (
            "L38",
            "I refused treatment because I was frightened of the side effects.",
            false,
        ),
        ("L56", "I tried to commit suicide twice.", false),
        // lapses
        (
            "L12",
            "The patients’ lounge was where the junkies waited.",
            true,
        ),
        (
            "L11",
            "I met a man who had been a heroin addict for thirty years.",
            true,
        ),
        (
            "L13",
            "I am an alcoholic and my dad was an alcoholic too.",
            true,
        ),
        ("L15", "My partner has been clean for two years.", true),
        ("L30", "My father was suffering from dementia.", true),
        (
            "L06",
            "The woman in the next bed was clearly psychotic.",
            true,
        ),
        ("L09", "My nephew, a bipolar sufferer, lives with us.", true),
        ("L26", "I felt like a basket case after the birth.", true), // no self code in the table
    ];
    let mut wrong = Vec::new();
    for (rule, text, expected) in cases {
        if !has_rule(rule) {
            continue;
        }
        if lapse(rule, text) != *expected {
            wrong.push(format!(
                "{rule} {text:?}: expected lapse={expected}, got {:?}",
                of(rule, text)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every fragment of the sample essays, cut at arbitrary character boundaries, checks without
/// panicking (slow in debug builds: `cargo test --release -- --ignored`).
#[test]
#[ignore]
fn fragments_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    let mut texts = vec![
        "'\"“‘’”«» ' \" ’s ‘ ’ “ ” * *a* 'a' \"".to_string(),
        "ex-addict's ex-addicts' self-harmer’s “junkie’ ‘psycho” 'nutter\" mad—crazy–nuts:"
            .to_string(),
    ];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        texts.push(std::fs::read_to_string(e.path()).unwrap_or_default());
    }
    let set = shipped();
    for text in &texts {
        let cuts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        for (n, &a) in cuts.iter().enumerate().step_by(7) {
            for len in [1usize, 2, 3, 5, 8, 13, 40, 120, 400] {
                let b = cuts[(n + len).min(cuts.len() - 1)];
                let _ = set.check_text(&text[a..b]);
            }
        }
    }
}
