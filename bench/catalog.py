"""Synthetic READMEs: the seed list with its papers replaced by any number of generated, realistic ones.

The papers are spread over the seed's paper sections (and a few subsections added under the largest), about
forty venues, eleven years of dates weighted toward recent ones, and titles written with the vocabulary the topic
tag rules match, so an import gives them tags as it does real papers. The same `seed` gives the same bytes.
"""

import datetime as dt
import random
from pathlib import Path

from catalog import readme

SEED_README = Path(__file__).resolve().parent.parent / "fixtures" / "README.md"
SUBSECTIONS = {
    "Interpretable Analysis of LLMs": ["Circuits and Mechanisms", "Probing and Representations", "Steering"],
}
# (name, weight): arXiv dominates, as in the real list.
VENUES = [
    ("arXiv", 30),
    ("ICLR", 8),
    ("NeurIPS", 8),
    ("ICML", 6),
    ("ACL", 5),
    ("EMNLP", 5),
    ("NAACL", 3),
    ("EACL", 1),
    ("COLING", 1),
    ("COLM", 2),
    ("AAAI", 2),
    ("IJCAI", 1),
    ("CVPR", 2),
    ("ICCV", 1),
    ("ECCV", 1),
    ("AISTATS", 1),
    ("UAI", 1),
    ("KDD", 1),
    ("TMLR", 2),
    ("TACL", 1),
    ("JMLR", 1),
    ("Nature", 1),
    ("Distill", 1),
    ("LessWrong", 2),
    ("AI Alignment Forum", 2),
    ("Transformer Circuits", 2),
    ("Anthropic", 1),
    ("OpenAI", 1),
    ("Google DeepMind", 1),
    ("BlackboxNLP Workshop", 2),
    ("ICLR Workshop", 2),
    ("NeurIPS Workshop", 2),
    ("ICML Workshop", 1),
    ("ATTRIB Workshop", 1),
    ("MechInterp Workshop", 1),
    ("bioRxiv", 1),
    ("OpenReview", 1),
]
FIRST_DATE, LAST_DATE = dt.date(2015, 1, 1), dt.date(2025, 12, 31)

METHOD_HEADS = ["Lens", "Probe", "Circuit", "Sparse", "Patch", "Trace", "Feature", "Atlas", "Scope", "Mech", "Neuro"]
METHOD_TAILS = ["Bench", "Scope", "Lens", "Net", "Map", "Viz", "Kit", "GPT", "Former", "Sight", "Graph"]
CONCEPTS = [
    "Sparse Autoencoders",
    "Superposition",
    "Circuits",
    "Attention Heads",
    "Induction Heads",
    "Steering Vectors",
    "Linear Probes",
    "Activation Patching",
    "Attribution Patching",
    "Neurons",
    "Polysemantic Neurons",
    "Model Editing",
    "Hallucination",
    "Chain-of-Thought Reasoning",
    "In-Context Learning",
    "Function Vectors",
    "World Models",
    "Grokking",
    "Feature Attribution",
    "Causal Tracing",
    "Transcoders",
    "Dictionary Learning",
    "Representation Engineering",
    "Truthfulness",
    "Factual Recall",
    "Refusal Directions",
    "Memorization",
]
MODELS = [
    "Large Language Models",
    "Transformers",
    "GPT-2",
    "Vision-Language Models",
    "Multimodal Models",
    "Llama 2",
    "Small Language Models",
    "Instruction-Tuned Models",
    "Code Models",
    "Reward Models",
    "Chess-Playing Transformers",
]
GERUNDS = ["Interpreting", "Discovering", "Locating", "Explaining", "Scaling", "Evaluating", "Measuring", "Editing"]
ADJECTIVES = ["Faithful", "Scalable", "Automated", "Causal", "Mechanistic", "Robust", "Unsupervised", "Efficient"]
NOUNS = ["Geometry", "Universality", "Limits", "Emergence", "Faithfulness", "Dynamics", "Structure", "Role"]
VERBS = ["Explain", "Reveal", "Predict", "Control", "Track", "Encode"]
TOPICS = ["Syntax", "Arithmetic", "Space and Time", "Truth", "Safety", "Their Own Knowledge", "Code", "Chess"]
TEMPLATES = [
    "{method}: {gerund} {concept} in {models}",
    "{gerund} {concept} with {other}",
    "Towards {adjective} {concept} for {models}",
    "On the {noun} of {concept} in {models}",
    "{concept} {verb} {other} in {models}",
    "What Do {models} Know About {topic}?",
    "{method}: {adjective} {other} at Scale",
    "{adjective} {concept}: Evidence from {models}",
]


def synthetic_readme(*, papers: int, seed: int = 0) -> str:
    """The seed README with its papers replaced by `papers` generated ones."""
    rng = random.Random(seed)
    document = readme.parse(SEED_README.read_text(encoding="utf-8"))
    sections = _with_subsections(document.sections)
    tables = [section for section in sections if _table_head(section)]
    weights = [max(sum(isinstance(node, readme.PaperRow) for node in s.body), 3) for s in tables]
    rows_by_section = {id(section): [] for section in tables}
    for number in range(papers):
        section = rng.choices(tables, weights)[0]
        rows_by_section[id(section)].append(_paper_row(rng, number, blog_column=len(_table_head(section).columns) == 5))
    for section in tables:
        rows = sorted(rows_by_section[id(section)], key=lambda row: row.date, reverse=True)
        section.body = [node for node in section.body if not isinstance(node, readme.PaperRow)] + rows
    return readme.render(readme.Document(sections=sections))


def _table_head(section: readme.Section) -> readme.TableHead | None:
    return next((node for node in section.body if isinstance(node, readme.TableHead)), None)


def _with_subsections(sections: list[readme.Section]) -> list[readme.Section]:
    result = []
    for section in sections:
        result.append(section)
        for title in SUBSECTIONS.get(section.title, []):
            head = _table_head(section)
            table = readme.TableHead(list(head.lines), head.columns)
            result.append(readme.Section(title, section.level + 1, [table], 1, 1))
    return result


def _paper_row(rng: random.Random, number: int, *, blog_column: bool) -> readme.PaperRow:
    venue = rng.choices([name for name, _ in VENUES], [weight for _, weight in VENUES])[0]
    days = (LAST_DATE - FIRST_DATE).days
    date = LAST_DATE - dt.timedelta(days=int(days * rng.random() ** 2))
    owner = f"{rng.choice(METHOD_HEADS).lower()}-lab-{number % 997}"
    repository = f"{rng.choice(METHOD_TAILS).lower()}-{number}"
    code = [readme.Link("Github", f"https://github.com/{owner}/{repository}")] if rng.random() < 0.45 else []
    blog = (
        [readme.Link("Blog", f"https://{owner}.github.io/{repository}/")] if blog_column and rng.random() < 0.1 else []
    )
    return readme.PaperRow(
        title=_title(rng),
        url=_paper_url(rng, venue, date, number),
        venue=None if rng.random() < 0.03 else venue,
        date=date,
        star_repo=f"{owner}/{repository}" if code and rng.random() < 0.5 else "",
        code_links=code,
        blog_links=blog,
    )


def _title(rng: random.Random) -> str:
    concept, other = rng.sample(CONCEPTS, 2)
    return rng.choice(TEMPLATES).format(
        method=rng.choice(METHOD_HEADS) + rng.choice(METHOD_TAILS),
        gerund=rng.choice(GERUNDS),
        concept=concept,
        other=other,
        models=rng.choice(MODELS),
        adjective=rng.choice(ADJECTIVES),
        noun=rng.choice(NOUNS),
        verb=rng.choice(VERBS),
        topic=rng.choice(TOPICS),
    )


def _paper_url(rng: random.Random, venue: str, date: dt.date, number: int) -> str:
    if venue in {"ICLR", "NeurIPS", "ICML", "COLM", "TMLR"} and rng.random() < 0.6:
        return f"https://openreview.net/forum?id={number:06d}{rng.randrange(16**4):04x}"
    if venue in {"ACL", "EMNLP", "NAACL", "EACL", "TACL"} and rng.random() < 0.6:
        return f"https://aclanthology.org/{date.year}.{venue.lower()}-long.{number}/"
    return f"https://arxiv.org/abs/{date:%y%m}.{number:05d}"


FIRST_NAMES = [
    "Ada", "Adam", "Aidan", "Alex", "Amir", "Anna", "Ben", "Chen", "Chris", "Dana", "David", "Elena", "Emma",
    "Fatima", "Felix", "Hana", "Hoagy", "Ivan", "Jacob", "Jia", "Kai", "Lea", "Lee", "Logan", "Maria", "Mei",
    "Neel", "Nina", "Omar", "Priya", "Ravi", "Sara", "Sam", "Tom", "Trenton", "Uma", "Wei", "Yuki", "Zoe", "Ziqi",
]  # fmt: skip
LAST_NAMES = [
    "Anderson", "Bricken", "Chen", "Conmy", "Cunningham", "Dunefsky", "Elhage", "Ewart", "Fischer", "Garcia",
    "Geiger", "Gurnee", "Huben", "Ivanova", "Jain", "Kim", "Kramár", "Lieberum", "Li", "Marks", "Meng", "Müller",
    "Nanda", "Olah", "Olsson", "Park", "Rajamanoharan", "Riggs", "Rossi", "Sharkey", "Singh", "Smith", "Tegmark",
    "Templeton", "Turner", "Variengien", "Wang", "Wu", "Yamada", "Zhang",
]  # fmt: skip
# An abstract names its paper's topic in its first sentences; the rest is the common talk of the field, so a
# topic word is found in a few abstracts, not in most of them.
TOPIC_SENTENCES = [
    "We study {concept} in {models} and find that {other} plays a central role.",
    "Prior work on {concept} has focused on small models; we extend it to {models}.",
    "Using {other}, we show that {concept} can be located, measured and edited.",
]
COMMON_SENTENCES = [
    "We train on {data} and evaluate on {count} held-out {units}.",
    "Our analysis covers {count} layers and shows a clear {trend} with depth.",
    "A simple {baseline} baseline already explains much of the {effect}.",
    "Ablations confirm that the {effect} depends on the {part} rather than the {other_part}.",
    "The {effect} is stable across random seeds, {data} and model sizes.",
    "We release code and data so that others can reproduce the {analysis}.",
    "These results suggest new ways to audit the {part} of deployed systems.",
    "Compared with {baseline} methods, ours needs {count} times less compute.",
]
FILLERS = {
    "data": ["web text", "synthetic prompts", "a curated benchmark", "code corpora", "dialogue transcripts"],
    "count": ["two", "three", "four", "eight", "twelve", "dozens of"],
    "units": ["tasks", "prompts", "datasets", "languages", "domains"],
    "trend": ["increase", "decrease", "phase change", "plateau"],
    "baseline": ["random", "linear", "gradient-based", "perturbation", "frequency"],
    "effect": ["effect", "behaviour", "improvement", "failure mode", "pattern"],
    "part": ["residual stream", "MLP layers", "embedding space", "output head", "early layers"],
    "other_part": ["tokenizer", "optimizer", "training data", "positional encoding", "late layers"],
    "analysis": ["experiments", "figures", "analysis", "measurements"],
}
ABSTRACT_BYTES = 1000


def synthetic_metadata(paper_ids, *, seed: int = 0):
    """Authors and abstracts for the papers `paper_ids`: (author names, (paper id, author index, position) per
    credit, {paper id: abstract of about 1 KB}). A few authors have many papers, most have few."""
    rng = random.Random(seed)
    pool = max(len(paper_ids) // 2, 20)
    names = list(
        dict.fromkeys(
            f"{rng.choice(FIRST_NAMES)} {chr(65 + rng.randrange(26))}. {rng.choice(LAST_NAMES)}"
            for _ in range(pool * 2)
        )
    )[:pool]
    credits, abstracts = [], {}
    for paper_id in paper_ids:
        count = rng.choices(range(1, 9), [10, 16, 18, 16, 12, 10, 8, 10])[0]
        chosen = []
        while len(chosen) < count:
            author = min(int(rng.paretovariate(1.2)) - 1, len(names) - 1) if rng.random() < 0.3 else None
            author = rng.randrange(len(names)) if author is None else author
            if author not in chosen:
                chosen.append(author)
        credits += [(paper_id, author, position) for position, author in enumerate(chosen)]
        concept, other = rng.sample(CONCEPTS, 2)
        topic = rng.choice(TOPIC_SENTENCES)
        sentences = [topic.format(concept=concept.lower(), other=other.lower(), models=rng.choice(MODELS))]
        while len(" ".join(sentences)) < ABSTRACT_BYTES:
            filled = {name: rng.choice(words) for name, words in FILLERS.items()}
            sentences.append(rng.choice(COMMON_SENTENCES).format(**filled))
        abstracts[paper_id] = " ".join(sentences)
    return names, credits, abstracts
