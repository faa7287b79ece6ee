"""Static tables behind the demo store: app ids, tax jurisdictions, catalog, people.

Everything here is plain data, the same for every seed; the generator picks from it. Prices are
integer cents, tax rates are parts per million (9.975 % is ``99_750``) so the arithmetic in
:mod:`._tax` stays exact without touching floats.
"""

from __future__ import annotations

from dataclasses import dataclass

# catalogReference.appId per Wix business app (wix_api.md §6).
APP_STORES = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
APP_BOOKINGS = "13d21c63-b5ec-5912-8397-c3a5ddb27a97"
APP_RESTAURANTS = "9a5d83fd-8570-482e-81ab-cfa88942ee60"
APP_PLANS = "1522827f-c56c-a5c9-2ac9-00f9e6ae12d3"
APP_EVENTS = "140603ad-af8d-84a5-2c80-a0f60cb47351"
APP_GIFT_CARDS = "d80111c5-a0f4-47a8-b63a-65b54d774a27"

PROFILES = ("ca-qc", "us")


@dataclass(frozen=True)
class TaxPart:
    """One jurisdiction's tax inside a region (a line gets one breakdown entry per part)."""

    name: str  # "QST"
    ppm: int  # rate in parts per million: 99_750 = 9.975 %
    jurisdiction: str  # "Quebec"
    jurisdiction_type: str  # COUNTRY | STATE | COUNTY | CITY | SPECIAL
    tax_type: str  # "GST", "Sales Tax", ...
    qbo_rate: str  # name of the matching QBO TaxRate


@dataclass(frozen=True)
class Region:
    """A ship-to region: its address and the taxes Wix charges there."""

    key: str
    country: str
    country_name: str
    subdivision: str  # ISO 3166-2, "" when none
    subdivision_name: str
    city: str
    postal: str
    street: str
    parts: tuple[TaxPart, ...]
    qbo_code: str  # name of the QBO TaxCode a mapping should pick
    shipping_taxable: bool = True
    weight: int = 0  # how often random orders ship here (0 = special cases only)


def _p(name: str, ppm: int, jur: str, jtype: str, ttype: str, rate: str) -> TaxPart:
    return TaxPart(name, ppm, jur, jtype, ttype, rate)


GST = _p("GST", 50_000, "Canada", "COUNTRY", "GST", "GST")
QST = _p("QST", 99_750, "Quebec", "STATE", "QST", "QST")

CA_REGIONS: tuple[Region, ...] = (
    Region(
        "QC",
        "CA",
        "Canada",
        "CA-QC",
        "Québec",
        "Montréal",
        "H2T 1S6",
        "5550 boul. Saint-Laurent",
        (GST, QST),
        "GST/QST QC",
        weight=52,
    ),
    Region(
        "QC2",
        "CA",
        "Canada",
        "CA-QC",
        "Québec",
        "Québec",
        "G1R 4P5",
        "1020 rue Saint-Jean",
        (GST, QST),
        "GST/QST QC",
        weight=10,
    ),
    Region(
        "ON",
        "CA",
        "Canada",
        "CA-ON",
        "Ontario",
        "Toronto",
        "M5V 2T6",
        "401 Richmond St W",
        (_p("HST", 130_000, "Ontario", "STATE", "HST", "HST ON"),),
        "HST ON",
        weight=14,
    ),
    Region(
        "NS",
        "CA",
        "Canada",
        "CA-NS",
        "Nova Scotia",
        "Halifax",
        "B3J 1S9",
        "1546 Barrington St",
        (_p("HST", 150_000, "Nova Scotia", "STATE", "HST", "HST 15"),),
        "HST 15",
        weight=3,
    ),
    Region(
        "NB",
        "CA",
        "Canada",
        "CA-NB",
        "New Brunswick",
        "Moncton",
        "E1C 4M5",
        "770 Main St",
        (_p("HST", 150_000, "New Brunswick", "STATE", "HST", "HST 15"),),
        "HST 15",
        weight=3,
    ),
    Region(
        "AB",
        "CA",
        "Canada",
        "CA-AB",
        "Alberta",
        "Calgary",
        "T2P 1J9",
        "800 Macleod Trail SE",
        (GST,),
        "GST",
        weight=6,
    ),
    Region(
        "BC",
        "CA",
        "Canada",
        "CA-BC",
        "British Columbia",
        "Vancouver",
        "V6B 1A1",
        "550 Beatty St",
        (GST,),
        "GST",
        weight=7,
    ),
    Region(
        "MB",
        "CA",
        "Canada",
        "CA-MB",
        "Manitoba",
        "Winnipeg",
        "R3C 0V8",
        "281 McDermot Ave",
        (GST,),
        "GST",
        weight=2,
    ),
    Region(
        "USX",
        "US",
        "United States",
        "US-VT",
        "Vermont",
        "Burlington",
        "05401",
        "110 Church St",
        (),
        "Zero-rated",
        shipping_taxable=False,
        weight=3,
    ),
)

US_REGIONS: tuple[Region, ...] = (
    Region(
        "NYC",
        "US",
        "United States",
        "US-NY",
        "New York",
        "Brooklyn",
        "11211",
        "85 N 3rd St",
        (
            _p("NY State", 40_000, "New York", "STATE", "Sales Tax", "NY State"),
            _p("NYC", 45_000, "New York City", "CITY", "Sales Tax", "NYC Local"),
            _p("MCTD", 3_750, "MCTD", "SPECIAL", "Sales Tax", "NY MCTD"),
        ),
        "NY NYC",
        weight=30,
    ),
    Region(
        "LA",
        "US",
        "United States",
        "US-CA",
        "California",
        "Los Angeles",
        "90012",
        "200 N Spring St",
        (
            _p("CA State", 72_500, "California", "STATE", "Sales Tax", "CA State"),
            _p("LA County", 25_000, "Los Angeles", "COUNTY", "Sales Tax", "LA County"),
        ),
        "CA LA",
        shipping_taxable=False,
        weight=20,
    ),
    Region(
        "AUS",
        "US",
        "United States",
        "US-TX",
        "Texas",
        "Austin",
        "78701",
        "500 E Cesar Chavez St",
        (
            _p("TX State", 62_500, "Texas", "STATE", "Sales Tax", "TX State"),
            _p("Austin", 10_000, "Austin", "CITY", "Sales Tax", "Austin City"),
            _p("Austin MTA", 10_000, "Capital Metro", "SPECIAL", "Sales Tax", "Austin MTA"),
        ),
        "TX AUS",
        weight=12,
    ),
    Region(
        "CHI",
        "US",
        "United States",
        "US-IL",
        "Illinois",
        "Chicago",
        "60601",
        "151 N Franklin St",
        (
            _p("IL State", 62_500, "Illinois", "STATE", "Sales Tax", "IL State"),
            _p("Cook County", 17_500, "Cook", "COUNTY", "Sales Tax", "Cook County"),
            _p("Chicago", 12_500, "Chicago", "CITY", "Sales Tax", "Chicago City"),
            _p("RTA", 10_000, "RTA", "SPECIAL", "Sales Tax", "Chicago RTA"),
        ),
        "IL CHI",
        weight=10,
    ),
    Region(
        "SEA",
        "US",
        "United States",
        "US-WA",
        "Washington",
        "Seattle",
        "98101",
        "1420 5th Ave",
        (
            _p("WA State", 65_000, "Washington", "STATE", "Sales Tax", "WA State"),
            _p("Seattle", 38_500, "Seattle", "CITY", "Sales Tax", "Seattle City"),
        ),
        "WA SEA",
        weight=8,
    ),
    Region(
        "PDX",
        "US",
        "United States",
        "US-OR",
        "Oregon",
        "Portland",
        "97204",
        "1001 SW 5th Ave",
        (),
        "NON",
        shipping_taxable=False,
        weight=8,
    ),
    Region(
        "MIA",
        "US",
        "United States",
        "US-FL",
        "Florida",
        "Miami",
        "33131",
        "1111 Brickell Ave",
        (
            _p("FL State", 60_000, "Florida", "STATE", "Sales Tax", "FL State"),
            _p("Miami-Dade", 10_000, "Miami-Dade", "COUNTY", "Sales Tax", "Miami-Dade"),
        ),
        "FL MIA",
        weight=12,
    ),
)

# Regions used only by the three published penny cases, in both profiles.
PENNY_REGIONS: tuple[Region, ...] = (
    Region(
        "AU",
        "AU",
        "Australia",
        "AU-NSW",
        "New South Wales",
        "Sydney",
        "2000",
        "1 Martin Pl",
        (_p("GST", 100_000, "Australia", "COUNTRY", "GST", "GST AU 10%"),),
        "GST AU 10",
        shipping_taxable=True,
    ),
    Region(
        "QCP",
        "CA",
        "Canada",
        "CA-QC",
        "Québec",
        "Laval",
        "H7N 5H9",
        "1600 boul. Le Corbusier",
        (GST, QST),
        "GST/QST QC",
    ),
    Region(
        "H12",
        "CA",
        "Canada",
        "CA-BC",
        "British Columbia",
        "Victoria",
        "V8W 1P6",
        "1001 Douglas St",
        (_p("HST", 120_000, "British Columbia", "STATE", "HST", "HST BC 12%"),),
        "HST BC 12",
    ),
)


def regions(profile: str) -> tuple[Region, ...]:
    """Every region of ``profile`` (random-order regions first, then the penny-case ones)."""
    return (CA_REGIONS if profile == "ca-qc" else US_REGIONS) + PENNY_REGIONS


@dataclass(frozen=True)
class Product:
    """A Wix Stores product (or one variant family) and how the QBO company knows it.

    ``qbo`` says how the seed's Items match: ``name`` (Item.Name = SKU), ``sku`` (Item.Sku = SKU,
    Name = English name), ``byname`` (no SKU; Item.Name = English name), ``missing`` (no Item).
    """

    key: str
    name_fr: str
    name_en: str
    cents: int
    sku: str | None
    qbo: str
    kind: str = "physical"  # physical | digital
    grams: int = 250
    zero_rated: bool = False  # basic groceries: no tax in either profile
    variants: tuple[tuple[str, str, str], ...] = ()  # (choice, sku, qbo match)
    option: str = ""
    weight: int = 10  # popularity in random orders (0 = special cases only)


PRODUCTS: tuple[Product, ...] = (
    Product(
        "esp1kg",
        "Grains espresso 1 kg",
        "Espresso beans 1 kg",
        3299,
        "CB-ESP-1KG",
        "name",
        grams=1000,
        zero_rated=True,
        weight=30,
    ),
    Product(
        "drk340",
        "Torréfaction foncée 340 g",
        "Dark roast 340 g",
        1699,
        "CB-DRK-340",
        "name",
        grams=340,
        zero_rated=True,
        weight=30,
    ),
    Product(
        "dec340",
        "Décaféiné 340 g",
        "Decaf 340 g",
        1749,
        "CB-DEC-340",
        "sku",
        grams=340,
        zero_rated=True,
        weight=12,
    ),
    Product("mug", "Tasse en céramique", "Ceramic mug", 1995, "MUG-CER-12", "sku", grams=400, weight=20),
    Product("travel", "Tasse de voyage", "Travel mug", 3450, "MUG-TRV-16", "missing", grams=350, weight=10),
    Product(
        "pour", "Ensemble infusion lente", "Pour-over kit", 6400, "KIT-POUR-01", "name", grams=900, weight=8
    ),
    Product("grinder", "Moulin à meules", "Burr grinder", 14999, "GRD-BUR-02", "sku", grams=2100, weight=5),
    Product(
        "filters",
        "Filtres en papier (100)",
        "Paper filters (100)",
        649,
        "FLT-PAP-100",
        "name",
        grams=120,
        weight=15,
    ),
    Product(
        "choco",
        "Tablette de chocolat 70 %",
        "70% chocolate bar",
        575,
        "CHO-70-100",
        "missing",
        grams=100,
        zero_rated=True,
        weight=10,
    ),
    Product(
        "cookies",
        "Biscuits à l'érable",
        "Maple cookies",
        825,
        "BIS-ERA-200",
        "sku",
        grams=200,
        zero_rated=True,
        weight=10,
    ),
    Product("tote", "Sac fourre-tout", "Tote bag", 2400, None, "byname", grams=150, weight=6),
    Product("stickers", "Autocollants", "Sticker pack", 400, None, "missing", grams=20, weight=6),
    Product(
        "tshirt",
        "T-shirt Boréal",
        "Boreal T-shirt",
        2900,
        None,
        "variants",
        grams=200,
        weight=10,
        option="Size",
        variants=(
            ("S", "TS-BOR-S", "name"),
            ("M", "TS-BOR-M", "name"),
            ("L", "TS-BOR-L", "sku"),
            ("XL", "TS-BOR-XL", "missing"),
        ),
    ),
    Product("giftbox", "Coffret cadeau", "Gift box", 8999, "BOX-GFT-01", "name", grams=1500, weight=4),
    Product(
        "cold",
        "Concentré infusé à froid 1 L",
        "Cold brew concentrate 1 L",
        1450,
        "CB-CLD-1L",
        "name",
        grams=1100,
        weight=8,
    ),
    Product(
        "guide",
        "Guide d'infusion (PDF)",
        "Brewing guide (PDF)",
        999,
        "DIG-GUIDE-01",
        "sku",
        kind="digital",
        grams=0,
        weight=5,
    ),
    # Special-case products (weight 0): the penny cases need exact prices.
    Product(
        "ebook",
        "Livre de recettes numérique",
        "Recipe e-book",
        1490,
        "DIG-EBOOK-01",
        "name",
        kind="digital",
        grams=0,
        weight=0,
    ),
    Product(
        "machine",
        "Machine espresso pro",
        "Pro espresso machine",
        289900,
        "MAC-ESP-PRO",
        "sku",
        grams=21000,
        weight=0,
    ),
    Product(
        "comgrinder",
        "Moulin commercial",
        "Commercial grinder",
        64900,
        "GRD-COM-01",
        "name",
        grams=9000,
        weight=0,
    ),
    Product(
        "barkit",
        "Trousse de barista",
        "Barista tool kit",
        23679,
        "KIT-BAR-04",
        "missing",
        grams=1200,
        weight=0,
    ),
    Product(
        "letter",
        "Autocollant lettre",
        "Letter sticker",
        159,
        None,
        "variants",
        grams=5,
        weight=0,
        option="Letter",
        variants=tuple(
            (c, f"STK-LTR-{c}", "name" if c < "N" else "missing") for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        ),
    ),
    Product("espcup", "Tasse espresso", "Espresso cup", 775, "MUG-ESP-03", "name", grams=150, weight=0),
    Product("pin", "Épinglette émaillée", "Enamel pin", 800, "PIN-ENA-01", "sku", grams=15, weight=0),
    Product("spoon", "Cuillère doseuse", "Measuring spoon", 800, "SPN-MES-01", "name", grams=30, weight=0),
    Product(
        "coaster", "Sous-verre en liège", "Cork coaster", 800, "CST-CRK-01", "missing", grams=20, weight=0
    ),
)


@dataclass(frozen=True)
class Offering:
    """A non-Stores line: Bookings, Events, Pricing Plans, Restaurants, gift cards."""

    key: str
    app: str
    name_fr: str
    name_en: str
    cents: int
    item_type: str  # SERVICE | DIGITAL | GIFT_CARD | PHYSICAL
    taxable: bool = True


OFFERINGS: tuple[Offering, ...] = (
    Offering("tasting", APP_BOOKINGS, "Atelier de dégustation", "Coffee tasting workshop", 4500, "SERVICE"),
    Offering("barista", APP_BOOKINGS, "Cours de barista", "Barista class", 12000, "SERVICE"),
    Offering(
        "jazz",
        APP_EVENTS,
        "Soirée jazz — admission générale",
        "Jazz night — general admission",
        2500,
        "SERVICE",
    ),
    Offering("jazzvip", APP_EVENTS, "Soirée jazz — VIP", "Jazz night — VIP", 6000, "SERVICE"),
    Offering("clubm", APP_PLANS, "Club café mensuel", "Coffee club monthly", 2999, "SERVICE"),
    Offering("cluby", APP_PLANS, "Club café annuel", "Coffee club yearly", 29900, "SERVICE"),
    Offering("croissant", APP_RESTAURANTS, "Croissant au beurre", "Butter croissant", 375, "PHYSICAL"),
    Offering("latte", APP_RESTAURANTS, "Latte", "Latte", 525, "PHYSICAL"),
    Offering(
        "sandwich", APP_RESTAURANTS, "Sandwich jambon-beurre", "Ham and butter sandwich", 1150, "PHYSICAL"
    ),
    Offering("soup", APP_RESTAURANTS, "Soupe du jour", "Soup of the day", 795, "PHYSICAL"),
    Offering("gc25", APP_GIFT_CARDS, "Carte-cadeau 25 $", "Gift card $25", 2500, "GIFT_CARD", taxable=False),
    Offering("gc50", APP_GIFT_CARDS, "Carte-cadeau 50 $", "Gift card $50", 5000, "GIFT_CARD", taxable=False),
    Offering(
        "gc100", APP_GIFT_CARDS, "Carte-cadeau 100 $", "Gift card $100", 10000, "GIFT_CARD", taxable=False
    ),
)

OFFERINGS_BY_APP: dict[str, tuple[Offering, ...]] = {}
for _o in OFFERINGS:
    OFFERINGS_BY_APP[_o.app] = (*OFFERINGS_BY_APP.get(_o.app, ()), _o)

CUSTOM_LINES: tuple[tuple[str, str, int, str], ...] = (
    ("Gravure personnalisée", "Custom engraving", 1500, "ENGRAVING"),
    ("Commande spéciale", "Special order", 4250, "SPECIAL_ORDER"),
    ("Frais d'emballage cadeau", "Gift wrapping", 495, "GIFT_WRAP"),
)


@dataclass(frozen=True)
class Person:
    """A buyer: names as typed at checkout, optional company, home region key."""

    first: str
    last: str
    email: str
    company: str = ""
    region: str = ""


FIRST_FR = (
    "Marie",
    "Jean",
    "Sophie",
    "Louis",
    "Camille",
    "Gabriel",
    "Léa",
    "Félix",
    "Chloé",
    "William",
    "Émile",
    "Olivia",
    "Noah",
    "Alice",
    "Thomas",
    "Zoé",
    "Nathan",
    "Florence",
    "Samuel",
    "Rosalie",
    "Mathis",
    "Juliette",
    "Olivier",
    "Béatrice",
    "Hugo",
    "Charlotte",
)
LAST_FR = (
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Smith",
    "Brown",
    "Wilson",
    "MacDonald",
    "Nguyen",
    "Singh",
    "Li",
)
FIRST_EN = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "Michael",
    "Jennifer",
    "David",
    "Linda",
    "William",
    "Elizabeth",
    "Daniel",
    "Susan",
    "Joseph",
    "Jessica",
    "Carlos",
    "Sarah",
    "Anthony",
    "Karen",
    "Kevin",
    "Nancy",
    "Jasmine",
    "Tyler",
    "Priya",
    "Diego",
)
LAST_EN = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Kim",
    "Patel",
    "Cohen",
)

LONG_COMPANY = (
    "Les Entreprises de Torréfaction Artisanale et de Distribution de Cafés Fins du Grand "
    "Montréal Métropolitain Incorporée"
)
LONG_FIRST = "Maria-Fernanda Guadalupe Esperanza"
LONG_LAST = "Wolfeschlegelsteinhausenbergerdorff-Montgomery"

#: Buyers every store contains, keyed by the special case they exercise. ``{dup}`` is the name
#: that also exists as a QBO customer in the company seed.
SPECIAL_PEOPLE: dict[str, dict[str, Person]] = {
    "ca-qc": {
        "apostrophe": Person("Seán", "O'Brien", "sean.obrien@example.ca", region="QC"),
        "apostrophe2": Person("D'Arcy", "L'Heureux", "darcy.lheureux@example.ca", region="QC2"),
        "company": Person(
            "Julie",
            "Beaulieu",
            "achats@boulangerie-stviateur.example.ca",
            company="Boulangerie St-Viateur inc.",
            region="QC",
        ),
        "colon": Person("Nora", "Lind", "nora@studionord.example.ca", company="Studio: Nord", region="ON"),
        "dup1": Person("Marie", "Tremblay", "marie.tremblay@example.ca", region="QC"),
        "dup2": Person("Marie", "Tremblay", "mtremblay77@example.com", region="QC2"),
        "cjk": Person("伟", "张", "zhang.wei@example.cn", region="BC"),
        "cyrillic": Person("Ольга", "Смирнова", "olga.smirnova@example.ru", region="ON"),
        "greek": Person("Θεοδώρα", "Παπαδοπούλου", "theodora@example.gr", region="QC"),
        "long": Person(
            LONG_FIRST,
            LONG_LAST,
            "maria.fernanda.guadalupe.esperanza.wolfeschlegelsteinhausenbergerdorff@"
            "correo-electronico-muy-largo.example.com",
            company=LONG_COMPANY,
            region="QC",
        ),
    },
    "us": {
        "apostrophe": Person("Seán", "O'Brien", "sean.obrien@example.com", region="NYC"),
        "apostrophe2": Person("D'Andre", "O'Neil-D'Souza", "dandre@example.com", region="CHI"),
        "company": Person(
            "Rita", "Alvarez", "purchasing@acme-widgets.example.com", company="Acme Widgets LLC", region="AUS"
        ),
        "colon": Person("Nora", "Lind", "nora@studionord.example.com", company="Studio: North", region="SEA"),
        "dup1": Person("John", "Smith", "john.smith@example.com", region="NYC"),
        "dup2": Person("John", "Smith", "jsmith1984@example.net", region="LA"),
        "cjk": Person("花子", "佐藤", "hanako.sato@example.jp", region="LA"),
        "cyrillic": Person("Ольга", "Смирнова", "olga.smirnova@example.ru", region="NYC"),
        "greek": Person("Θεοδώρα", "Παπαδοπούλου", "theodora@example.gr", region="CHI"),
        "long": Person(
            LONG_FIRST,
            LONG_LAST,
            "maria.fernanda.guadalupe.esperanza.wolfeschlegelsteinhausenbergerdorff@"
            "correo-electronico-muy-largo.example.com",
            company="The Extraordinarily Long-Named Artisanal Coffee Importing, Roasting and "
            "Distribution Company of Greater New York, Incorporated",
            region="NYC",
        ),
    },
}
