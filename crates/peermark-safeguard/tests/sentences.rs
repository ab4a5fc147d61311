//! Table-driven tests: each sentence, scanned alone, gives exactly the tier in the table
//! (0 or 1 = no flag). The cue lexicons come from the shipped `rubrics/safeguarding-cues.toml`.

use peermark_safeguard::{SafeguardingSettings, Scanner};
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct CueFile {
    safeguarding: SafeguardingSettings,
}

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../rubrics/safeguarding-cues.toml"
        );
        let text = std::fs::read_to_string(path).expect("read the cue file");
        let file: CueFile = toml::from_str(&text).expect("parse the cue file");
        Scanner::new(&file.safeguarding).expect("compile the cue file")
    })
}

/// The tier a sentence gets: 0 when nothing is flagged.
fn tier(sentence: &str) -> (u8, String) {
    let flags = scanner().scan_text(sentence);
    assert!(
        flags.len() <= 1,
        "one sentence gave {} flags: {sentence}",
        flags.len()
    );
    flags
        .first()
        .map(|f| (f.tier, f.cue.clone()))
        .unwrap_or((0, String::new()))
}

fn check(table: &[(&str, u8)]) {
    let mut failures = Vec::new();
    for (sentence, want) in table {
        let want = if *want <= 1 { 0 } else { *want };
        let (got, cue) = tier(sentence);
        if got != want {
            failures.push(format!("  want {want}, got {got} ({cue}): {sentence}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} sentences read wrongly:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

/// §7.4 of the domain brief, every row, with the tier in its table (1 = not flagged).
const WORKED_CONTRASTS: &[(&str, u8)] = &[
    ("In 2015 I attempted suicide and spent three weeks in hospital.", 1),
    ("Back then I felt there was no way out; peer support showed me there was.", 1),
    ("I haven't self-harmed for four years, and my scars remind me how far I've come.", 1),
    ("I still have days when the old thoughts come back, but I use my WRAP and phone Breathing Space.", 2),
    ("Lately I don't see the point anymore.", 3),
    ("I cut again last week and nobody knows.", 3),
    ("He still takes my benefits and I'm scared to go home.", 3),
    ("I have been planning how I would do it once this course is finished.", 4),
    ("If someone I support talks about a plan, I would ask them directly.", 0),
    ("My brother died by suicide in 2019, which shaped my wish to become a peer worker.", 0),
    ("This essay is killing me!", 0),
];

#[test]
fn worked_contrasts_of_the_domain_brief() {
    check(WORKED_CONTRASTS);
}

/// Sentences that must be flagged, with their tier.
const MUST_FLAG: &[(&str, u8)] = &[
    ("I want to die.", 3),
    ("Some days I still think about killing myself.", 3),
    ("I still get suicidal thoughts sometimes, but I have learned to live with them and I phone Breathing Space when they get loud.", 2),
    ("Everyone would be better off without me.", 2),
    ("I feel like a burden to my family at the moment.", 3),
    ("I've been saving my tablets just in case.", 4),
    ("I have written a goodbye letter to my daughter.", 4),
    ("By the time you read this I won't be here.", 4),
    ("Since the course started I have been self-harming again.", 3),
    ("Last night I took an overdose and I haven't told anyone.", 3),
    ("My partner controls my money and won't let me see my friends.", 3),
    ("I am scared to go home because he threatens me.", 3),
    ("Right now I can't see a way out.", 3),
    ("I'm tired of fighting and I can't do this anymore.", 3),
    ("Writing this essay has made me want to kill myself again.", 3),
    ("I've worked out how I would do it and I've set a date.", 4),
    ("The voices tell me to hurt myself and lately I've been listening to them.", 3),
    ("I still self-harm most weeks, but my CPN knows and I use my safety plan.", 2),
    ("Nobody would notice if I disappeared tomorrow.", 3),
    ("I am going to end it all after I submit this essay.", 4),
    ("My dad still hits me when he has been drinking.", 3),
    ("Lately I keep thinking that there is no point in carrying on.", 3),
    ("I am being threatened by my ex-partner and I don't feel safe at home.", 3),
    ("Even after years of recovery, I have been feeling suicidal again this month.", 3),
    ("In 2015 I attempted suicide, and lately I have started to feel that way again.", 3),
    ("Some days I feel trapped, but I text my peer worker and we go for a walk.", 2),
    ("There is no point.", 3),
    ("No one would miss me.", 2),
    ("I used to self-harm and I still do sometimes.", 3),
    ("My sister found me after I took an overdose last night.", 3),
];

#[test]
fn sentences_that_must_be_flagged() {
    check(MUST_FLAG);
}

/// Sentences that must not be flagged: past experience in a recovery story, bereavement,
/// peer-support practice, negation, idiom, recovery with symptoms, third parties.
const MUST_NOT_FLAG: &[(&str, u8)] = &[
    ("When I was nineteen I took an overdose and woke up in the general hospital.", 1),
    ("I self-harmed for six years as a teenager, and the scars are part of my story.", 1),
    ("My best friend died by suicide in 2018 and I still miss her every day.", 0),
    ("If someone tells me they are thinking about suicide, I will ask them directly and stay with them.", 0),
    ("In the role play I practised asking a peer if they felt suicidal.", 0),
    ("I don't self-harm anymore.", 1),
    ("I no longer want to die, and I am proud of how far I have come.", 1),
    ("I have not had suicidal thoughts for over two years.", 1),
    ("I nearly killed myself laughing at the group's Christmas quiz.", 0),
    ("I'm dying to finish this course and start volunteering.", 0),
    ("I could kill for a coffee after writing this essay.", 0),
    ("I still hear voices, but I have learned to live with them.", 0),
    ("I still have the scars from when I used to cut myself.", 1),
    ("I remember thinking, 'I can't go on.'", 1),
    ("So it's 2016, and I'm sitting in A&E after taking an overdose.", 1),
    ("Looking back, I can see that at my lowest I wanted to disappear.", 1),
    ("Many people who self-harm are not trying to end their lives.", 0),
    ("Suicide prevention training was part of the course.", 0),
    ("I cut myself off from my friends for a long time.", 0),
    ("The group helped me take my life back.", 0),
    ("I used to believe everyone would be better off without me.", 1),
    ("My mum was hit by my dad when I was a child, and I was scared to go home.", 1),
    ("I survived an overdose at twenty-two and now I volunteer with a peer support group.", 1),
    ("Before I found the hearing voices group, I felt trapped by my diagnosis.", 1),
    ("I wouldn't be here today without my peer worker.", 0),
    ("A young man on the ward told me he wanted to die.", 0),
    ("There was no point in pretending to my family that I was fine.", 1),
    ("Recovery from self-harm is not a straight line, as Slade (2009) argues.", 0),
    ("I remember the night I took an overdose as if it were yesterday.", 1),
    ("My uncle took his own life when I was twelve, and I still think about that time.", 0),
    ("I am not suicidal and I have a good support network.", 0),
    ("At sixteen I started self-harming, and it was years before I told anyone.", 1),
];

#[test]
fn sentences_that_must_not_be_flagged() {
    check(MUST_NOT_FLAG);
}

#[test]
fn the_tables_are_big_enough() {
    assert!(MUST_FLAG.len() >= 20);
    assert!(MUST_NOT_FLAG.len() >= 20);
}

/// Further readings written while building the lexicons: recovery-story sentences (past attempts,
/// admissions, abuse, bereavement, scars, memory frames, essay-meta, peer-support teaching,
/// idioms) and present-risk sentences in other wordings.
const FURTHER_READINGS: &[(&str, u8)] = &[
    ("Self-harm is something I still struggle with.", 3),
    ("I've been self-harming since I was fourteen.", 3),
    ("I think my family would be better off without me.", 3),
    ("I want to die some days and I don't know who to tell.", 3),
    ("I want to die some days, but I talk to my peer worker when it gets bad.", 2),
    ("I feel trapped in my marriage and he checks my phone every night.", 3),
    ("He controls my phone and my bank card.", 3),
    ("I am still in a relationship with domestic abuse.", 3),
    ("I have been stockpiling my medication.", 4),
    ("I've decided when I'm going to do it.", 4),
    ("I can't take it anymore.", 3),
    ("Sometimes there is no point in anything.", 3),
    ("I still think about killing myself most days.", 3),
    ("In my twenties I was suicidal and, lately, I have felt like that again.", 3),
    ("I'm cutting again and I have not told my CPN.", 3),
    ("Writing this essay has brought back the urge to self-harm.", 3),
    ("I am being abused by my carer.", 3),
    ("I will kill myself tonight.", 4),
    ("I will kill myself if things don't change.", 3),
    ("Thoughts of suicide come every day now.", 3),
    ("Nobody would notice if I disappeared.", 2),
    ("These days I feel like I'm a burden to everyone.", 3),
    ("Sometimes I hurt myself when the voices get loud.", 3),
    ("The voices tell me to hurt myself.", 3),
    ("I still self-harm, though less often than before.", 3),
    ("Lately I've been thinking that everyone would be better off without me.", 3),
    ("I'm not coping and I've started hurting myself again.", 3),
    ("I hate my life and I want it to end.", 3),
    ("Most nights I lie awake wishing I wasn't here.", 3),
    ("I feel like I'm drowning and I can't go on.", 3),
    ("My husband says that if I leave he will kill me, so I stay.", 3),
    ("Once I hand in this essay I won't be around much longer.", 4),
    ("I am currently self-harming to cope with the stress of the course.", 3),
    ("I am currently self-harming, but my GP knows and I have a safety plan.", 2),
    ("Some nights I think about taking all my tablets.", 3),
    ("I still think about ending it all sometimes.", 3),
    ("I don't know how much longer I can keep going.", 3),
    ("My flatmate takes my benefits every fortnight and I'm too frightened to say anything.", 3),
    ("I have been feeling suicidal most days since my mum died.", 3),
    ("I cut myself last night for the first time in three years.", 3),
    ("I still feel like there is no way out of my situation.", 3),
    ("I'm scared to go home tonight.", 3),
    ("I've been researching ways to end my life.", 4),
    ("I feel so trapped lately.", 3),
    ("I feel trapped lately, but my peer worker is helping me make a plan.", 2),
    ("Right now I wish I was dead.", 3),
    ("The voices are telling me to kill myself again.", 3),
    ("I am self-harming every day at the moment.", 3),
    ("I think about suicide most days, but I have a crisis plan and I use it.", 2),
    ("My son's father still threatens me when he visits.", 3),
    ("Some days the urge to self-harm is strong. When that happens I ring Breathing Space.", 2),
    ("Honestly I don't see a future for myself.", 3),
    ("I keep thinking about ending my life.", 3),
    ("Everything feels pointless at the moment.", 3),
    ("Nobody would care if I was gone.", 2),
    ("I've got the tablets ready.", 4),
    ("My partner hits me when he's drunk.", 3),
    ("I'm frightened of him and I'm not safe at home.", 3),
    ("Since starting this course the self-harm has got worse.", 3),
    ("I still have suicidal thoughts, but my WRAP helps me manage them.", 2),
    ("I don't think I can go on like this for much longer.", 3),
    ("I can't see any reason to keep living.", 3),
    ("I've been cutting again.", 3),
    ("I wish I could go to sleep and not wake up.", 3),
    ("I feel like a burden to everyone around me.", 3),
    ("I am not sure I want to be alive anymore.", 3),
    ("I keep having thoughts of killing myself.", 3),
    ("Every morning I wake up disappointed that I am still here.", 3),
    ("I've been thinking about suicide a lot since my benefits were stopped.", 3),
    ("I've been thinking about suicide a lot, so I have booked an appointment with my GP.", 2),
    ("He has started hitting me again.", 3),
    ("I'm living with someone who hurts me.", 3),
    ("I have a plan and I know when I'm going to do it.", 4),
    ("I honestly think my kids would be better off without me right now.", 3),
    ("I hurt myself last week.", 3),
    ("I've started to feel suicidal again since my dad died.", 3),
    ("Sometimes I just want to go to sleep and never wake up.", 3),
    ("I think about overdosing nearly every day.", 3),
    ("I'm at breaking point and I can't cope anymore.", 3),
    ("My boyfriend checks my phone, takes my money and won't let me see my family.", 3),
    ("I have everything I need and I've chosen a date.", 4),
    ("The thoughts of suicide are still there most days, but I ring Samaritans when they get bad.", 2),
    ("If I'm honest, I still want to die most days.", 3),
    ("I don't want to be here anymore.", 3),
    ("Part of me wants to die.", 3),
    ("Self-harm is often misunderstood by professionals.", 0),
    ("Suicide is the biggest killer of men under fifty in Scotland.", 0),
    ("It did what self-harm had done, only more completely: it switched everything off.", 0),
    ("But it's been eight years since I last harmed myself, I've been drug-free since 2018, and I've built a life I'm proud of.", 0),
    ("I was admitted to hospital after I tried to kill myself.", 0),
    ("The suicidal thoughts stopped when I started the group.", 0),
    ("At my lowest point I felt like a burden to everyone.", 0),
    ("I used to think my family would be better off without me.", 0),
    ("I stopped self-harming when I was twenty.", 0),
    ("I don't want to die; I want the pain to stop.", 0),
    ("If I ever feel suicidal again, I will use my crisis plan.", 0),
    ("On the course we learned that asking about suicide does not put the idea into someone's head.", 0),
    ("As a peer worker I would ask someone directly whether they are thinking about suicide.", 0),
    ("My friend self-harms and I worry about her.", 0),
    ("My sister told me she felt trapped in her marriage.", 0),
    ("He used to control my money, but I left him in 2017.", 0),
    ("I was in a coercive control relationship for ten years.", 0),
    ("Domestic abuse is a major factor that hinders recovery.", 0),
    ("My CPN helped me plan how to reduce my medication.", 0),
    ("I plan to become a peer worker next year.", 0),
    ("I'm planning to go back to college.", 0),
    ("I felt I couldn't take it anymore.", 0),
    ("There were times when I couldn't see the point of anything.", 0),
    ("There's no point in pretending recovery is a straight line.", 0),
    ("At no point did anyone ask me what I wanted.", 0),
    ("I took my first overdose at fifteen.", 0),
    ("It has been three years since my last overdose.", 0),
    ("Overdose was the way I tried to escape.", 0),
    ("Even now I still remember wanting to die.", 0),
    ("I still think about the night I took an overdose.", 0),
    ("I wouldn't be here today if it weren't for the Samaritans.", 0),
    ("I wanted to disappear.", 0),
    ("In my twenties I was suicidal for long periods.", 0),
    ("We made a plan together to cut down and then stop.", 0),
    ("I cut my hair short to feel like a new person.", 0),
    ("After I was sectioned I cut contact with my old friends.", 0),
    ("I'm not cutting anymore.", 0),
    ("Recovery helped me take back my life.", 0),
    ("I was so trapped by my diagnosis that I couldn't imagine a future.", 0),
    ("Writing this essay has brought back difficult memories.", 0),
    ("Writing this essay brought back memories of wanting to die.", 0),
    ("My mum took her own life when I was nine.", 0),
    ("My brother attempted suicide last year and I supported him.", 0),
    ("The Samaritans were there for me when I was suicidal.", 0),
    ("She said she wanted to die, and I listened without judging.", 0),
    ("A woman in my group said she feels suicidal most days.", 0),
    ("I am a survivor of childhood abuse.", 0),
    ("I was abused by my stepfather from the age of eight.", 0),
    ("He threatened me for years until I finally left.", 0),
    ("Suicidal ideation is common among people with psychosis (Smith, 2015).", 0),
    ("Many peer workers have their own history of self-harm.", 0),
    ("Thoughts of suicide used to come every day.", 0),
    ("I was 17 when I first self-harmed.", 0),
    ("I haven't felt suicidal since 2016.", 0),
    ("Nobody would have noticed if I had disappeared back then.", 0),
    ("I remember feeling that no one would miss me.", 0),
    ("I used to tell myself, \"Everyone would be better off without me.\"", 0),
    ("I no longer feel like a burden.", 0),
    ("I survived.", 0),
    ("My dad beat me when I was a child.", 0),
    ("I was scared to go home as a teenager.", 0),
    ("My story includes self-harm, an overdose and two hospital admissions.", 0),
    ("The voices used to tell me to hurt myself.", 0),
    ("During my first admission I was on constant observation because I was suicidal.", 0),
    ("I spent most of 2014 wanting to die.", 0),
    ("For years I believed that I was a burden on my family.", 0),
    ("The night I tried to end my life, my flatmate found me and called 999.", 0),
    ("That was the lowest point of my life; I had written a note and given away my things.", 0),
    ("When I was using, I didn't care whether I lived or died, and I overdosed three times.", 0),
    ("After my third overdose a nurse sat with me and asked what I wanted from life.", 0),
    ("I self-harmed throughout my teens and into my twenties.", 0),
    ("My scars used to make me feel ashamed, but now I see them as part of my story.", 0),
    ("I have attempted suicide three times, most recently in 2012.", 0),
    ("I was sectioned after a suicide attempt in 2010.", 0),
    ("He hit me regularly during our marriage, and it took me years to leave.", 0),
    ("My ex controlled my money and my phone for the whole of our relationship.", 0),
    ("I was trapped in an abusive relationship for ten years.", 0),
    ("At the time I genuinely thought my children would be better off without me.", 0),
    ("I know how it feels to want to die, because I have been there.", 0),
    ("I know what it is like to feel that there is no way out.", 0),
    ("Peer support gave me hope when I felt there was no future for me.", 0),
    ("Hope was the first thing I lost and the last thing I found again.", 0),
    ("I am now three years free from self-harm.", 0),
    ("It's been two years since I last felt suicidal.", 0),
    ("The WRAP course helped me notice when I was becoming unwell.", 0),
    ("Anthony (1993) describes recovery as a deeply personal process.", 0),
    ("My daughter was the reason I didn't kill myself.", 0),
    ("I didn't want to wake up in the mornings back then.", 0),
    ("I honestly thought I would never get out of that hole.", 0),
    ("I was told I was a danger to myself.", 0),
    ("Mental health services saw me as a suicide risk for years.", 0),
    ("I had a plan to kill myself that summer.", 0),
    ("Even in 2019, when the voices told me to hurt myself, I held on.", 0),
    ("When a peer tells me they want to die, I stay calm and listen.", 0),
    ("We practised what to say if someone discloses self-harm.", 0),
    ("I sometimes wonder what would have happened if I had died that night.", 0),
    ("I often share that I once felt suicidal, if it will help the person I am supporting.", 0),
    ("Self-harm was my way of coping for a long time.", 0),
    ("I no longer self-harm, but I still carry the memories.", 0),
    ("In the group, people talked openly about self-harm and suicidal feelings.", 0),
    ("At 14 I started cutting myself and nobody noticed for two years.", 0),
    ("I was put on a section after I tried to hang myself.", 0),
    ("I lost my job, my flat and very nearly my life.", 0),
    ("The first time I overdosed I was only fifteen.", 0),
    ("There was a time when I wished I was dead every single day.", 0),
    ("Back then I cut myself most nights.", 0),
    ("I was in hospital after an overdose, and I still remember the shame.", 0),
    ("Those years were full of self-harm and hospital admissions.", 0),
    ("Recovery for me has meant learning to live without self-harm.", 0),
    ("I'm proud that I haven't self-harmed in five years.", 0),
    ("Even though I sometimes still feel low, I no longer think about suicide.", 0),
    ("I would never tell a peer that suicide is selfish.", 0),
    ("Self-harm is not attention seeking, as I was once told.", 0),
    ("As someone who has survived suicide attempts, I bring hope to others.", 0),
    ("Samaritans (2020) advise against describing suicide methods.", 0),
    ("Peer workers should know the signs that someone may be suicidal.", 0),
    ("Later, I trained as a Samaritan so that I could support others who feel suicidal.", 0),
    ("That feeling of being trapped is what the IMV model calls entrapment.", 0),
    ("People often ask me if I still self-harm, and I tell them I don't.", 0),
    ("The phrase \"better off dead\" was something I heard in my head for years.", 0),
    ("I spent my twenties believing I was a burden.", 0),
    ("In my essay I will discuss self-harm, recovery and peer support.", 0),
    ("I will talk about my experience of self-harm in the next section.", 0),
    ("I was fourteen the first time I hurt myself on purpose.", 0),
    ("Between 2009 and 2012 I was in and out of hospital after several overdoses.", 0),
    ("By my mid-twenties I had attempted suicide twice.", 0),
    ("My GP referred me to the crisis team after I told her I was suicidal.", 0),
    ("For a long time suicide felt like the only way out.", 0),
    ("Losing my brother to suicide was the hardest thing I have ever been through.", 0),
    ("My partner's suicide in 2020 left me numb for months.", 0),
    ("When my marriage ended I felt completely trapped and alone.", 0),
    ("I remember sitting on the bridge thinking nobody would miss me.", 0),
    ("Peer support taught me that I was not a burden.", 0),
    ("Part of my role now is to sit with people who feel suicidal.", 0),
    ("I used to cut my arms, and I still cover them in summer.", 0),
    ("I stopped hurting myself when I found the group.", 0),
    ("Some people still assume that anyone who self-harms is attention seeking.", 0),
    ("I'm dying to get started as a peer worker.", 0),
    ("This module nearly killed me, but I got through it!", 0),
    ("Honestly, I could have killed myself laughing at the role play.", 0),
    ("My back is killing me after sitting at the laptop all day.", 0),
    ("There was no way out of the hospital car park without a ticket.", 0),
    ("The ward felt like a prison and I felt trapped there.", 0),
    ("I felt like ending it all when I got my diagnosis.", 0),
    ("My own suicide attempt at 19 is why I understand the people I support.", 0),
    ("It is 3am, it is 2011, and I am standing in my kitchen with a handful of pills.", 0),
    ("I can still picture the hospital room where I woke up after my overdose.", 0),
    ("Ten years on, I no longer see suicide as an answer.", 0),
    ("Those words, \"I want to die\", were the first thing I ever said to a psychiatrist.", 0),
    ("When people ask why I do this job, I tell them about my suicide attempt.", 0),
    ("The shame of having self-harmed kept me silent for years.", 0),
    ("After two overdoses and a long admission, I started to rebuild my life.", 0),
    ("I grew up in a house where my dad hit my mum and sometimes me.", 0),
    ("I wasn't safe at home as a child.", 0),
    ("I was bullied at school and started self-harming at twelve.", 0),
    ("I lost two friends to suicide while I was in my twenties.", 0),
    ("Lots of people in recovery still live with thoughts of suicide, and that is okay.", 0),
    ("Suicidal feelings can come and go, as Deegan (1996) describes.", 0),
    ("I chose to leave out the details of my attempts from this essay.", 0),
    ("I hope that by sharing my story I can show that people survive suicidal crises.", 0),
    ("Self-harm and suicide are different things, although they are often confused.", 0),
    ("I was first sectioned at 21 after trying to take my own life.", 0),
    ("Throughout my teens I wished I had never been born.", 0),
    ("My recovery started the day after my last overdose.", 0),
    ("Being told \"you'll never work again\" made me feel hopeless for years.", 0),
    ("At that time I believed there was no future for someone like me.", 0),
    ("I lived with an abusive partner who controlled everything I did.", 0),
    ("He used to hit me if dinner was late.", 0),
    ("When I left him I stayed in a refuge for six months.", 0),
    ("Self-harm was never about wanting to die for me; it was about coping.", 0),
    ("I now work with young people who self-harm.", 0),
    ("Years of self-harm have left me with scars on my arms.", 0),
    ("The first thing my peer worker said was that she had also attempted suicide.", 0),
    ("My gran used to say \"I could murder a cup of tea\".", 0),
    ("I'd rather die than do another presentation, honestly!", 0),
    ("Our tutor warned us that the essay might bring up memories of self-harm.", 0),
];

#[test]
fn further_readings() {
    check(FURTHER_READINGS);
}
