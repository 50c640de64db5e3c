"""Write data/clothing_reviews_sample.csv: synthetic clothing reviews for case 8-1.

Real shop reviews cannot be shipped with the project, so this script writes its own, with
exactly the columns of the course's Clothing-Review.csv (Clothing ID, Age, Title, Review Text,
Rating, Recommended IND, Positive Feedback Count, Division Name, Department Name, Class Name).
Every review is made up from the phrase lists below; none is taken from a real review.

The sample is built so that word order matters, which a recurrent network can read and a bag
of single words cannot (word pairs catch part of it):
  - negation flips a phrase: "not flattering at all" is bad, "not itchy" is good;
  - contrast: in "lovely colour but the fit is awful" the clause after "but" decides;
  - intensifiers: "a bit tight" sits in a 4-star review, "extremely tight" in a 1-star one.
Ratings 5/4/3/2/1 come in roughly 56/22/12/7/3 % (77-78% positive, rating > 3), like the
course's file; 5% of reviews read like another rating, as real reviews sometimes do.
Like the real file it has empty cells (titles, review texts, a few class names), quoted reviews
with line breaks, commas and quotes inside reviews, curly apostrophes and accented letters.

The output is the same byte for byte on every run and machine (Python's own `random` with a
fixed seed, the `csv` module, "\\n" line endings); a test checks the committed file:

    python data/make_reviews.py            # rewrites data/clothing_reviews_sample.csv
"""

import csv
import io
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "clothing_reviews_sample.csv"
SEED = 8  # Week 8
ROWS = 6000
COLUMNS = [
    "Clothing ID",
    "Age",
    "Title",
    "Review Text",
    "Rating",
    "Recommended IND",
    "Positive Feedback Count",
    "Division Name",
    "Department Name",
    "Class Name",
]
RATING_SHARES = {5: 0.56, 4: 0.22, 3: 0.12, 2: 0.07, 1: 0.03}
RECOMMEND_CHANCE = {5: 0.98, 4: 0.92, 3: 0.45, 2: 0.08, 1: 0.02}  # P(Recommended IND = 1 | rating)
MISLEADING_SHARE = 0.05  # reviews whose text reads like another rating (a star clicked by mistake)
SHORT_SHARE = 0.15  # one-sentence reviews
# Aspect clauses said through a negation ("not itchy" for good, "not soft" for bad), by tone
# (False = bad, True = good): complaints are negated more often than praise, as in real reviews.
NEGATED_SHARE = {False: 0.5, True: 0.15}
EMPHASIS_SHARE = {False: 0.7, True: 0.15}  # negations ending "at all" / "in the least"
EMPTY_TITLE_SHARE = 0.16
EMPTY_REVIEW_SHARE = 0.035
EMPTY_CLASS_SHARE = 0.001  # a handful of rows without Class Name (the protocol drops them)
LINE_BREAK_SHARE = 0.06  # reviews written in two paragraphs

# Class name -> (department, share weight, first Clothing ID, garment nouns)
CLASSES = {
    "Dresses": (
        "Dresses",
        26,
        1000,
        ["dress", "maxi dress", "shirt dress", "slip dress", "wrap dress", "sundress"],
    ),
    "Knits": ("Tops", 20, 100, ["top", "tee", "tunic", "knit top", "henley", "tank"]),
    "Blouses": ("Tops", 13, 200, ["blouse", "shirt", "button down", "peasant top"]),
    "Sweaters": ("Tops", 6, 300, ["sweater", "cardigan", "pullover", "turtleneck"]),
    "Pants": ("Bottoms", 6, 400, ["pants", "trousers", "wide leg pants", "culottes"]),
    "Jeans": ("Bottoms", 5, 450, ["jeans", "skinny jeans", "boyfriend jeans", "denim"]),
    "Fine gauge": (
        "Tops",
        5,
        500,
        ["fine knit sweater", "cashmere sweater", "shell", "light cardigan"],
    ),
    "Skirts": ("Bottoms", 4, 550, ["skirt", "midi skirt", "pencil skirt", "pleated skirt"]),
    "Jackets": ("Jackets", 3, 600, ["jacket", "blazer", "denim jacket", "moto jacket"]),
    "Lounge": ("Intimate", 3, 650, ["lounge pants", "hoodie", "jumpsuit", "romper"]),
    "Swim": ("Intimate", 2, 700, ["swimsuit", "bikini", "cover up"]),
    "Outerwear": ("Jackets", 1.5, 750, ["coat", "parka", "trench coat", "vest"]),
    "Shorts": ("Bottoms", 1.5, 800, ["shorts", "linen shorts"]),
    "Sleep": ("Intimate", 1, 850, ["pajamas", "nightgown", "robe"]),
    "Legwear": ("Intimate", 1, 880, ["leggings", "tights", "socks"]),
    "Intimates": ("Intimate", 1, 900, ["bra", "bralette", "camisole"]),
    "Layering": ("Intimate", 1, 930, ["layering tank", "slip", "layering cami"]),
    "Trend": ("Trend", 0.5, 960, ["poncho", "cape", "kimono"]),
}
DIVISIONS = {"Intimate": ["Intimates"], "other": ["General", "General", "General Petite"]}

# Aspect -> (nouns, good adjectives, bad adjectives). "not <good>" is bad, "not <bad>" is good.
ASPECTS = {
    "fabric": (
        ["fabric", "material"],
        ["soft", "silky", "lovely", "substantial", "breathable", "cozy", "luxurious"],
        ["scratchy", "itchy", "thin", "cheap", "stiff", "see-through", "clingy"],
    ),
    "fit": (
        ["fit", "cut"],
        ["flattering", "perfect", "true to size", "tailored", "comfortable"],
        ["boxy", "tight", "baggy", "unflattering", "awkward", "shapeless", "awful"],
    ),
    "colour": (
        ["colour", "color"],
        ["lovely", "vibrant", "rich", "gorgeous", "true to the photos"],
        ["dull", "faded", "drab", "washed out", "nothing like the photos"],
    ),
    "quality": (
        ["quality", "stitching"],
        ["excellent", "solid", "great", "sturdy"],
        ["poor", "shoddy", "flimsy", "disappointing", "terrible"],
    ),
    "length": (
        ["length", "hem"],
        ["perfect", "just right", "ideal"],
        ["too short", "too long", "odd", "awkward"],
    ),
    "print": (
        ["print", "pattern"],
        ["beautiful", "charming", "pretty", "unique"],
        ["busy", "garish", "odd", "blurry"],
    ),
    "price": (["price"], ["fair", "reasonable", "great"], ["too high", "outrageous", "steep"]),
    "sleeves": (
        ["sleeves", "straps"],
        ["perfect", "flattering", "comfortable"],
        ["too tight", "too long", "itchy", "awkward"],
    ),
    "waist": (
        ["waist", "waistband"],
        ["comfortable", "flattering", "perfect"],
        ["too high", "tight", "loose", "uncomfortable"],
    ),
    "neckline": (
        ["neckline", "collar"],
        ["flattering", "pretty", "elegant"],
        ["too low", "odd", "unflattering", "stiff"],
    ),
}
INTENSIFIERS = {  # strength -> words before a good adjective, words before a bad one
    "strong": (
        ["so", "really", "absolutely", "incredibly", "super", "extremely"],
        ["so", "really", "incredibly", "super", "extremely", "horribly"],
    ),
    "plain": (["", "", "very", "quite"], ["", "", "very", "quite"]),
    "mild": (["", "fairly", "pretty", "nice and"], ["a bit", "slightly", "somewhat", "a little"]),
}
COLOUR_NAMES = [
    "navy",
    "black",
    "ivory",
    "coral",
    "olive",
    "blue",
    "red",
    "grey",
    "mauve",
    "teal",
    "rust",
    "café au lait",
]
SIZES = [
    "xs",
    "small",
    "medium",
    "large",
    "0",
    "2",
    "4",
    "6",
    "8",
    "10",
    "12",
    "petite small",
    "petite medium",
]
OCCASIONS = [
    "a wedding",
    "work",
    "a trip",
    "the summer",
    "the holidays",
    "a party",
    "everyday wear",
    "date night",
]
PAIRINGS = [
    "jeans",
    "boots",
    "sandals",
    "a denim jacket",
    "a belt",
    "flats",
    "sneakers",
    "a long necklace",
]
NEGATIONS = {  # how people write "do not": with a straight or curly apostrophe, or without one
    "do": ["don't", "don’t", "do not", "dont"],
    "is": ["isn't", "isn’t", "is not", "isnt"],
    "are": ["aren't", "aren’t", "are not", "arent"],
    "will": ["won't", "won’t", "will not", "wont"],
    "can": ["can't", "can’t", "cannot", "cant"],
    "would": ["wouldn't", "wouldn’t", "would not", "wouldnt"],
}


# Whole-item opinions as (good, bad) pairs that differ by a negation or by word order, so that
# their single words say little. {this} {item} {is} {it} ... are filled in per garment (`fill`).
OPINIONS = [
    ("I love {this} {item}", "I {do_not} love {this} {item}"),
    ("I love {it}", "I {do_not} love {it}"),
    ("I am so happy with {it}", "I am not happy with {it}"),
    ("I would recommend {it}", "I would not recommend {it}"),
    ("worth the price", "not worth the price"),
    ("I am keeping {it}", "I am not keeping {it}"),
    ("I will wear {it} all the time", "I will never wear {it}"),
    ("I would buy {it} again", "I {would_not} buy {it} again"),
    ("{this} {item} {is} a keeper", "{this} {item} {is_not} a keeper"),
    ("exactly what I hoped for", "not what I hoped for"),
    ("nothing to complain about", "nothing to love"),
    ("{it_is} not going back", "{it_is} going back"),
    ("I almost returned {it} but I am glad I kept {it}", "I almost kept {it} but I returned {it}"),
    ("not a waste of money", "a waste of money"),
    ("I was not disappointed", "I was disappointed"),
    ("I get compliments every time", "I never get compliments on {it}"),
    ("no regrets", "no way I am keeping {it}"),
]
MILD_OPINIONS = [  # for 4 and 3 stars: lukewarm, still shared words
    ("overall I like {it}", "overall I {do_not} like {it}"),
    ("good enough to keep", "not good enough to keep"),
    ("I think I will keep {it}", "I think {it_is} going back"),
    ("nice for the price", "not nice enough for the price"),
    ("I might wear {it} more than I thought", "I might not wear {it} much"),
]
TITLES = [
    ("Love it", "Do not love it"),
    ("Flattering", "Not flattering"),
    ("Not itchy", "Itchy"),
    ("Keeper", "Not a keeper"),
    ("Worth it", "Not worth it"),
    ("Just what I wanted", "Not what I wanted"),
    ("Not going back", "Going back"),
    ("Great fit", "Awful fit"),
    ("Beautiful colour, great fit", "Beautiful colour, awful fit"),
    ("Runs small but love it", "Love the colour but runs small"),
    ("Perfect {item}", "Not the perfect {item}"),
]


def these(item):
    """("this", "is") for a dress, ("these", "are") for jeans."""
    plural = item.endswith("s") and not item.endswith("ss")
    return ("these", "are") if plural else ("this", "is")


class Writer:
    """One random stream and the phrase builders that draw from it."""

    def __init__(self, seed):
        self.random = random.Random(seed)

    def pick(self, options):
        return self.random.choice(options)

    def chance(self, probability):
        return self.random.random() < probability

    def negation(self, verb):
        """`verb` + not, written one of the ways people write it:
        negation("do") -> "don't", "dont", ..."""
        return self.pick(NEGATIONS[verb])

    def intensity(self, strength, good=True):
        """An intensifier: strong for 5 and 1 stars, mild for mixed reviews ("a bit tight")."""
        before_good, before_bad = INTENSIFIERS[strength]
        return self.pick(before_good if good else before_bad)

    def adjective(self, words, strength, good=True):
        """e.g. "so soft"; intensifiers only before single words
        ("a bit true to size" reads badly)."""
        word = self.pick(words)
        if " " in word:
            return word
        return f"{self.intensity(strength, good)} {word}".strip()

    def aspect_clause(self, good, strength, aspect=None):
        """A clause about one aspect of the garment that is good (True) or bad (False) to read.

        Some say it through a negation: "the fit is not flattering at all" is bad, "the fabric is
        not itchy at all" is good, so a word's neighbours can turn its meaning around.
        """
        nouns, good_words, bad_words = ASPECTS[aspect or self.pick(list(ASPECTS))]
        noun = self.pick(nouns)
        verb = "are" if noun.endswith("s") else "is"
        same, opposite = (good_words, bad_words) if good else (bad_words, good_words)
        if self.chance(NEGATED_SHARE[good]):  # "not <opposite>"
            word = self.pick(opposite)
            if strength == "mild" and " " not in word:
                return f"the {noun} {verb} not very {word}"
            if self.chance(0.2) and " " not in word:
                return f"the {noun} {verb} far from {word}"
            ending = (
                self.pick([" at all", " in the least"]) if self.chance(EMPHASIS_SHARE[good]) else ""
            )
            return f"the {noun} {verb} {self.pick(['not', 'not', 'never'])} {word}{ending}"
        word = self.pick(same)
        if self.chance(0.3) and " " not in word:
            # "lovely fabric"
            return (
                f"{self.intensity(strength, good) if self.chance(0.5) else ''} {word} {noun}"
            ).strip()
        return f"the {noun} {verb} {self.adjective(same, strength, good)}"

    def fill(self, template, item):
        """Put the garment and the ways of writing negations into a template."""
        this, verb = these(item)
        words = {
            "this": this,
            "item": item,
            "is": verb,
            "it": "them" if this == "these" else "it",
            "is_not": self.negation(verb),
            "it_is": "they are" if this == "these" else "it is",
            "do_not": self.negation("do"),
            "would_not": self.negation("would"),
        }
        return template.format(**words)

    def opinion(self, good, strength, item):
        """A whole-item opinion, e.g. "I do not love this dress"."""
        pairs = MILD_OPINIONS if strength == "mild" else OPINIONS
        template = self.pick(pairs)[0 if good else 1]
        text = self.fill(template, item)
        if strength == "strong" and text.startswith("I love"):
            text = text.replace(
                "I love", f"I {self.pick(['really', 'absolutely', 'truly'])} love", 1
            )
        return text

    def contrast(self, good_last, strength, item):
        """Two clauses of opposite tone; the one after "but" decides how the review reads."""
        first_aspect, last_aspect = self.random.sample(list(ASPECTS), 2)
        first = self.aspect_clause(not good_last, "mild" if good_last else "plain", first_aspect)
        last = (
            self.aspect_clause(good_last, strength, last_aspect)
            if self.chance(0.7)
            else self.opinion(good_last, strength, item)
        )
        joint = self.random.random()
        if joint < 0.75 or not last.startswith(("the ", "I ", "it ", "this ", "these ")):
            return f"{first} but {last}"
        if joint < 0.9:
            return f"{first}, however {last}"
        return f"although {first}, {last}"

    def filler(self, item):
        """A neutral sentence: sizes, colours, occasions."""
        height = (
            f"5'{self.random.randint(0, 11)}\""
            if self.chance(0.9)
            else f"4'{self.random.randint(9, 11)}\""
        )
        this = these(item)[0]
        options = [
            f"I am {height} and ordered the {self.pick(SIZES)}",
            f"I usually wear a {self.pick(SIZES)} and got my usual size",
            f"I bought the {item} in {self.pick(COLOUR_NAMES)}",
            f"I bought {this} {item} for {self.pick(OCCASIONS)}",
            f"I wore it with {self.pick(PAIRINGS)}",
            f"it arrived {self.pick(['quickly', 'on time', 'a week late', 'well packed'])}",
            "I tried it on in the store",
            f"the model in the photo is wearing it with {self.pick(PAIRINGS)}",
            f"I have it in {self.pick(COLOUR_NAMES)} too",
            f"I saw {this} {item} online and ordered {'them' if this == 'these' else 'it'}",
        ]
        return self.pick(options)

    def sentences(self, rating, item):
        """The review's sentences, their tone set by the rating.

        + good, - bad, ~ lukewarm; "contrast+" is "<bad> but <good>", "pair-" "<bad> and <bad>".
        The verdict (an opinion on the whole garment) comes last in most reviews, first in some,
        and is left out in others.
        """
        verdict, middle = {
            5: ("opinion+", ["opinion+", "aspect+", "pair+", "filler", "contrast+", "contrast+"]),
            4: ("opinion~+", ["aspect+", "aspect-", "pair+", "filler", "contrast+", "contrast+"]),
            3: ("opinion~-", ["aspect+", "aspect-", "pair-", "filler", "contrast-", "contrast-"]),
            2: ("opinion-", ["opinion-", "aspect+", "pair-", "filler", "contrast-", "contrast-"]),
            1: ("opinion-", ["opinion-", "aspect-", "pair-", "filler", "contrast-", "contrast-"]),
        }[rating]
        strength = "strong" if rating in (5, 1) else ("mild" if rating in (4, 3) else "plain")
        if self.chance(SHORT_SHARE):  # a one-liner
            chosen = [self.pick([verdict] + [kind for kind in middle if kind != "filler"])]
        else:
            chosen = self.random.sample(middle, self.random.randint(1, len(middle) - 1))
            placement = self.random.random()
            if placement < 0.6:
                chosen = chosen + [verdict]
            elif placement < 0.75:
                chosen = [verdict] + chosen
        texts = []
        for kind in chosen:
            text = self.sentence(kind, strength, item)
            if text not in texts:  # people rarely write the same sentence twice
                texts.append(text)
        return texts

    def sentence(self, kind, strength, item):
        """One sentence of the kind the plan asks for:
        "opinion+", "aspect-", "contrast+", "filler", ..."""
        if kind == "filler":
            return self.filler(item)
        good = kind.endswith("+")
        tone = "mild" if "~" in kind else strength
        if kind.startswith("opinion"):
            return self.opinion(good, tone, item)
        if kind.startswith("contrast"):
            return self.contrast(good, tone, item)
        if kind.startswith("pair"):
            first_aspect, second_aspect = self.random.sample(list(ASPECTS), 2)
            return (
                f"{self.aspect_clause(good, tone, first_aspect)} and "
                f"{self.aspect_clause(good, tone, second_aspect)}"
            )
        return self.aspect_clause(good, tone)

    def title(self, rating, item):
        good, bad = self.pick(TITLES)
        return self.fill(good if rating > 3 else bad, item)

    def review(self, rating, item):
        texts = [sentence[0].upper() + sentence[1:] for sentence in self.sentences(rating, item)]
        marks = [self.pick([".", ".", ".", "!", "!!"]) for _ in texts]
        pieces = [text + mark for text, mark in zip(texts, marks, strict=True)]
        if len(pieces) > 2 and self.chance(LINE_BREAK_SHARE):
            cut = self.random.randint(1, len(pieces) - 1)
            return " ".join(pieces[:cut]) + "\n\n" + " ".join(pieces[cut:])
        return " ".join(pieces)

    def rating(self):
        return self.random.choices(list(RATING_SHARES), weights=list(RATING_SHARES.values()))[0]

    def row(self):
        class_name = self.random.choices(
            list(CLASSES), weights=[spec[1] for spec in CLASSES.values()]
        )[0]
        department, _, first_id, items = CLASSES[class_name]
        item = self.pick(items)
        rating = self.rating()
        written_as = self.rating() if self.chance(MISLEADING_SHARE) else rating
        title = "" if self.chance(EMPTY_TITLE_SHARE) else self.title(written_as, item)
        text = "" if self.chance(EMPTY_REVIEW_SHARE) else self.review(written_as, item)
        division = self.pick(DIVISIONS["Intimate" if department == "Intimate" else "other"])
        if self.chance(EMPTY_CLASS_SHARE):
            class_name = division = department = ""
        return {
            "Clothing ID": first_id + self.random.randint(0, 49),
            "Age": self.random.randint(18, 80)
            if self.chance(0.2)
            else int(self.random.triangular(20, 75, 40)),
            "Title": title,
            "Review Text": text,
            "Rating": rating,
            "Recommended IND": int(self.chance(RECOMMEND_CHANCE[rating])),
            "Positive Feedback Count": int(self.random.expovariate(0.4)),
            "Division Name": division,
            "Department Name": department,
            "Class Name": class_name,
        }


def make_reviews(rows=ROWS, seed=SEED):
    """The CSV text: a header and `rows` reviews."""
    writer = Writer(seed)
    buffer = io.StringIO()
    table = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    table.writeheader()
    for _ in range(rows):
        table.writerow(writer.row())
    return buffer.getvalue()


if __name__ == "__main__":
    OUTPUT.write_bytes(make_reviews().encode("utf-8"))
    print(f"wrote {OUTPUT} ({ROWS} reviews)", file=sys.stderr)
