#!/usr/bin/env python3
"""Writer briefs for peermark's independent essay corpus (validation-protocol.md, section 1).

Seeded: the same seed always gives the same briefs. Each of 12 writer briefs (a voice a
writer keeps) gets 13 essays, each with a persona seed and a target profile in words. The
profiles are the writers' only guide to levels; markers never see them.
"""
import json
import random
import sys

SEED = 20261207
rng = random.Random(SEED)

BRIEFS = [
    ("b01", "Plain-spoken older learners (late 50s to early 70s), retired or in manual and service jobs, "
            "West of Scotland. Short sentences, everyday words, modest about academic writing."),
    ("b02", "Academic voice: learners with a degree or professional training (psychology, social science, "
            "nursing, teaching). Confident with theory, long sentences, careful referencing."),
    ("b03", "English as an additional language: learners who moved to Scotland as adults (Polish, Syrian, "
            "Nigerian, Chinese, Romanian, Eritrean backgrounds). Clear but non-native English: articles, "
            "prepositions and tenses are sometimes off; some idioms translated from their first language."),
    ("b04", "Scots and regional voices: learners from Dundee, Aberdeen, Fife, Glasgow, Inverness, the Borders, "
            "who write standard English with Scots words and grammar mixed in (wee, aye, ken, cannae, didnae, "
            "awfy, greetin, bairns, messages for shopping)."),
    ("b05", "Younger learners (18 to 25): informal, direct, digital-native voice; college or first jobs; "
            "anxiety, self-harm, exam pressure, identity and online life in their stories."),
    ("b06", "Carers with lived experience: parents, partners and adult children who cared for someone with "
            "mental health problems and also have their own experience of distress and recovery."),
    ("b07", "Addiction recovery: alcohol, heroin, methadone, cocaine, gambling; mutual aid (AA, NA, SMART "
            "Recovery), recovery cafes and communities; blunt, honest, sometimes street vocabulary."),
    ("b08", "Psychosis, voices and unusual experiences: Hearing Voices Network, inpatient stays, early "
            "intervention services, medication choices, family relationships."),
    ("b09", "Eating disorders (anorexia, bulimia, binge eating, ARFID) and body image; recovery through "
            "community, dietitians, peer groups, sport or creative work; men and women."),
    ("b10", "Trauma: childhood trauma, domestic abuse survivors, complex PTSD, a personality disorder "
            "diagnosis they have views about; trust and safety as themes."),
    ("b11", "Neurodivergent writers (autistic, ADHD, dyslexic, often diagnosed late): some very literal and "
            "structured with headings and bullet lists, some writing long run-on story blocks."),
    ("b12", "Working-age learners whose distress was tied to work or role: veterans, farmers, fishermen, "
            "office workers, nurses, a police officer; bipolar, depression, anxiety, bereavement; many found it "
            "hard to ask for help."),
]

# Target levels per criterion: story, concepts, peer, linking, language, structure.
TEMPLATES = [
    ("strong all round", (3, 3, 3, 3, 3, 3), 3),
    ("strong, story woven through theory", (3, 3, 2, 3, 3, 3), 3),
    ("strong on theory, solid story", (2, 3, 3, 2, 3, 3), 2),
    ("solid achieved", (2, 2, 2, 2, 3, 2), 4),
    ("solid achieved, references incomplete", (2, 2, 2, 2, 2, 2), 3),
    ("strong story, theory adequate", (3, 2, 2, 2, 3, 2), 3),
    ("achieved, a little outside the word range", (2, 2, 2, 2, 3, 1), 2),
    ("achieved, no reference list", (2, 2, 2, 2, 2, 1), 2),
    ("story-heavy, theory thin", (3, 1, 1, 1, 3, 1), 2),
    ("theory-heavy, little of their own story", (1, 3, 2, 1, 3, 3), 2),
    ("peer support only mentioned", (2, 2, 1, 1, 2, 2), 2),
    ("good content, several language lapses", (2, 2, 2, 2, 1, 2), 2),
    ("weak and far too short", (1, 1, 1, 0, 2, 0), 1),
    ("keyword list: names the frameworks without explaining them", (1, 1, 1, 1, 3, 2), 1),
    ("off the question: a general essay about mental health services", (0, 1, 1, 0, 2, 2), 1),
    ("story only, no theory at all", (2, 0, 0, 0, 2, 1), 1),
    ("very long and wandering, much over length", (2, 2, 2, 2, 2, 0), 1),
    ("strong but with language lapses", (3, 3, 3, 3, 0, 3), 1),
]

LEVEL_WORDS = {
    "story": {
        0: "no account of your own experience; speak only in general or third-person terms",
        1: "mention your own experience only briefly and descriptively (what happened), with little or no "
           "reflection on what helped or hindered",
        2: "a clear account of your own recovery journey, naming at least one thing that helped or hindered "
           "and some reflection on what it meant",
        3: "a coherent, reflective story with change over time (turning points, before and after), several "
           "things that helped and hindered, and what you learned or now understand",
    },
    "concepts": {
        0: "do not discuss what recovery means",
        1: "name recovery or define it loosely; mention one or two concepts without explaining them",
        2: "explain what recovery means and explain at least three key concepts",
        3: "explain five or more key concepts with reference to recognised frameworks or authors, and discuss "
           "factors that support or hinder recovery",
    },
    "peer": {
        0: "do not discuss peer support",
        1: "mention peer support without explaining what makes it distinct",
        2: "explain what a peer is and at least two defining features of peer support, and how it can help "
           "recovery",
        3: "discuss the peer relationship in depth: four or more features including power, boundaries or "
           "intentional sharing, with sources, and a clear account of how peer support relates to recovery",
    },
    "linking": {
        0: "keep story and theory entirely separate (or leave one out)",
        1: "make only one or two passing connections between your experience and the theory",
        2: "make several explicit connections where you interpret your own experience through recovery "
           "concepts or peer support (a story section, then theory sections that refer back to it)",
        3: "integrate story and theory throughout: interpret your experience through the concepts within most "
           "paragraphs, including the part peer support played or could play in your own journey",
    },
    "language": {
        0: "use stigmatising or labelling language about people in your own voice six or more times "
           "(the kind of words a careless writer uses without noticing)",
        1: "use stigmatising, labelling or deficit language in your own voice three to five times",
        2: "mostly recovery-oriented language, with one or two slips in your own voice",
        3: "consistently person-first and hopeful; any stigmatising word appears only where you quote or "
           "report what others said, or a label you reflect on",
    },
    "structure": {
        0: "far outside the length, or no paragraph structure",
        1: "outside the acceptable word range, or without a recognisable introduction and conclusion, or "
           "with no in-text citation",
        2: "within the word range, with an introduction, body paragraphs, a conclusion and at least one "
           "in-text citation",
        3: "as a solid essay, and every in-text citation matched (author and year) by an entry in a "
           "reference list",
    },
}

SHAPES = [
    "headed sections",
    "no headings, continuous paragraphs",
    "a few headings and one short bullet list",
    "one long story block first, then theory",
    "story woven through the theory paragraphs",
]
CONCLUSIONS = [
    "a conclusion that draws the essay together without any signpost phrase such as 'in conclusion'",
    "a conclusion in whatever way comes naturally to this writer",
    "a final paragraph that looks forward to their own peer work, with no 'to conclude'-type phrase",
]
INTROS = [
    "an opening that sets out what the essay covers in the writer's own way (no 'This essay will')",
    "an opening in whatever way comes naturally to this writer",
    "an opening that starts with a moment from the story and then says what the essay does",
]
FEATURES = [
    "introduce features of peer support by count and order (for example 'Three things set it apart. "
    "The first ... The second ... Last ...')",
    "discuss features of peer support through examples from your own experience",
    "discuss features of peer support in whatever way comes naturally",
    "use a short bullet list somewhere in the theory",
    "include one longer block quotation from a source",
]
REFLECTION = [
    "let reflection come through in your own words, the way this person really talks about what things meant",
    "reflect the way this person naturally would",
    "show concepts through what happened in the story (what gave you hope, what took control away) as well as "
    "through definitions",
]
CITATIONS = ["Harvard (author year)", "APA (Author, year)", "Harvard", "APA",
             "a reference list but few or no in-text citations", "Harvard with page numbers"]

RISK_KINDS = [
    "wishing now, indirectly, not to be alive (for example not wanting to wake up, or others being better off)",
    "current self-harm (recently, still, or again)",
    "a partner who currently controls money, phone or contact with family, with fear at home",
    "preparation now (for example putting affairs in order or saving up medication)",
    "a crisis now: not coping at the moment, no way forward",
    "ongoing suicidal thoughts that the writer manages now with a safety plan",
    "harm through food now (restricting or purging again at present)",
    "conditional intent: not expecting to still be here if a situation does not change",
    "violence from a partner now when he drinks",
    "thoughts of ending their life this month, with some detail of thinking how",
    "current self-harm that nobody knows about",
    "a sense now of being a burden and thinking about not being here",
]


def length_for(structure_level, label):
    if "far too short" in label:
        return rng.choice([560, 640, 700])
    if "much over length" in label:
        return rng.choice([2500, 2700])
    if "outside the word range" in label:
        return rng.choice([1240, 1290, 1310, 1700, 1740, 1780])
    return rng.choice([1380, 1420, 1450, 1480, 1500, 1500, 1520, 1550, 1580, 1620])


def main():
    # 156 essays: templates drawn by weight so that about a third are Not yet achieved.
    pool = []
    for label, levels, weight in TEMPLATES:
        pool += [(label, levels)] * weight
    profiles = []
    risk_kinds = RISK_KINDS[:]
    rng.shuffle(risk_kinds)
    for bi, (brief, voice) in enumerate(BRIEFS):
        chosen = rng.sample(pool, 13)
        risk_slot = rng.randrange(13)
        past_slots = set(rng.sample([i for i in range(13) if i != risk_slot], 2))
        for i, (label, levels) in enumerate(chosen):
            sid = f"{brief}-{i + 1:02d}"
            s, c, p, l, g, t = levels
            words = length_for(t, label)
            cit = rng.choice(CITATIONS) if t >= 2 or c >= 2 else rng.choice(CITATIONS + ["no citations at all"])
            if t == 1 and 1350 <= words <= 1650:
                cit = rng.choice(["no in-text citations at all (a short reading list at the end is fine)",
                                  "no citations at all"])
            if t == 3:
                cit += "; every in-text citation matched by a reference list entry"
            elif t == 2 and "incomplete" in label:
                cit += "; one or two in-text citations missing from the reference list"
            safeguarding = "none: no current risk"
            if i == risk_slot:
                safeguarding = ("CURRENT RISK, told as a real learner would, in passing, in one or two sentences "
                                "somewhere in the story: " + risk_kinds[bi])
            elif i in past_slots:
                safeguarding = ("past self-harm or a past suicidal crisis, told clearly in the past tense as part "
                                "of the recovery story; the writer is safe now")
            profile = {
                "id": sid,
                "brief": brief,
                "profile": label,
                "targets": {
                    "personal_story": LEVEL_WORDS["story"][s],
                    "recovery_concepts": LEVEL_WORDS["concepts"][c],
                    "peer_support": LEVEL_WORDS["peer"][p],
                    "linking": LEVEL_WORDS["linking"][l],
                    "recovery_language": LEVEL_WORDS["language"][g],
                    "structure": LEVEL_WORDS["structure"][t],
                },
                "target_levels": dict(zip(
                    ["personal_story", "recovery_concepts", "peer_support", "linking", "recovery_language",
                     "structure"], levels)),
                "body_words": words,
                "shape": rng.choice(SHAPES),
                "opening": rng.choice(INTROS),
                "ending": rng.choice(CONCLUSIONS),
                "peer_features": rng.choice(FEATURES),
                "reflection": rng.choice(REFLECTION),
                "citations": cit,
                "safeguarding": safeguarding,
            }
            profiles.append(profile)
    json.dump({"seed": SEED, "briefs": dict(BRIEFS), "essays": profiles}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
