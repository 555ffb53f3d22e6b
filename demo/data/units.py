"""The demo's regions and their unit trees: hospitals with their kliniker, the primary-care
förvaltning with its vårdcentraler, each with its placement category and monthly BT capacity, and
the exceptions to that capacity in single months.

The names of hospitals and health centres are real-sounding (most exist); the HSA-ids made from
SEED_REGIONS are invented.
"""

# Region slug → organisation-number prefix used for the invented HSA-ids.
SEED_REGIONS = {
    "vgr": "SE2321000131",
    "gavleborg": "SE2321000198",
    "orebro": "SE2321000164",
    "jonkoping": "SE2321000057",
    "ostergotland": "SE2321000040",
    "dalarna": "SE2321000180",
    "varmland": "SE2321000156",
    "sormland": "SE2321000032",
}

# Klinik name → placement category (ids of organisations.models.PlacementCategory).
KLINIK_CATEGORY = {
    "Akutkliniken": "akut",
    "Medicinkliniken": "akut",
    "Kirurgkliniken": "akut",
    "Ortopedkliniken": "akut",
    "Barn- och ungdomskliniken": "akut",
    "Infektionskliniken": "akut",
    "Psykiatriska kliniken": "psykiatri",
    "Vuxenpsykiatri": "psykiatri",
    "Anestesikliniken": "annan",
    "Geriatriska kliniken": "annan",
}

# Per region: hospitals (kind sjukhus) with kliniker and their monthly BT capacity, then the
# primary-care förvaltning with its vårdcentraler (category primarvard) and their capacity.
UNIT_TREES = {
    "vgr": {
        "hospitals": [
            (
                "Sahlgrenska Universitetssjukhuset",
                {
                    "Akutkliniken": 4,
                    "Medicinkliniken": 3,
                    "Kirurgkliniken": 2,
                    "Ortopedkliniken": 2,
                    "Barn- och ungdomskliniken": 2,
                    "Vuxenpsykiatri": 3,
                    "Infektionskliniken": 1,
                    "Anestesikliniken": 1,
                },
            ),
            (
                "Södra Älvsborgs Sjukhus",
                {
                    "Akutkliniken": 2,
                    "Medicinkliniken": 3,
                    "Kirurgkliniken": 2,
                    "Psykiatriska kliniken": 2,
                    "Geriatriska kliniken": 1,
                },
            ),
            (
                "Skaraborgs Sjukhus",
                {
                    "Medicinkliniken": 2,
                    "Ortopedkliniken": 1,
                    "Psykiatriska kliniken": 2,
                    "Anestesikliniken": 1,
                },
            ),
        ],
        "primary_care": (
            "Primärvård Västra Götaland",
            {
                "Vårdcentralen Majorna": 2,
                "Vårdcentralen Linnéstaden": 2,
                "Vårdcentralen Hisings Backa": 3,
                "Vårdcentralen Norrmalm": 2,
                "Vårdcentralen Mariestad": 1,
            },
        ),
    },
    "gavleborg": {
        "hospitals": [
            (
                "Gävle sjukhus",
                {
                    "Akutkliniken": 3,
                    "Medicinkliniken": 3,
                    "Kirurgkliniken": 2,
                    "Ortopedkliniken": 1,
                    "Barn- och ungdomskliniken": 1,
                    "Psykiatriska kliniken": 2,
                    "Infektionskliniken": 1,
                    "Anestesikliniken": 1,
                },
            ),
            ("Hudiksvalls sjukhus", {"Medicinkliniken": 2, "Kirurgkliniken": 1, "Vuxenpsykiatri": 1}),
        ],
        "primary_care": (
            "Primärvård Gävleborg",
            {
                "Hälsocentralen Brynäs": 2,
                "Hälsocentralen Sätra": 2,
                "Hälsocentralen Sandviken": 1,
                "Hälsocentralen Bollnäs": 2,
                "Hälsocentralen Iggesund": 1,
            },
        ),
    },
    "orebro": {
        "hospitals": [
            (
                "Universitetssjukhuset Örebro",
                {
                    "Akutkliniken": 3,
                    "Medicinkliniken": 3,
                    "Kirurgkliniken": 2,
                    "Ortopedkliniken": 2,
                    "Barn- och ungdomskliniken": 1,
                    "Psykiatriska kliniken": 2,
                    "Infektionskliniken": 1,
                    "Anestesikliniken": 1,
                },
            ),
            ("Karlskoga lasarett", {"Medicinkliniken": 2, "Kirurgkliniken": 1}),
        ],
        "primary_care": (
            "Primärvård Örebro län",
            {
                "Vårdcentralen Tullen": 2,
                "Vårdcentralen Varberga": 2,
                "Vårdcentralen Brickebacken": 1,
                "Vårdcentralen Lindesberg": 1,
            },
        ),
    },
    "jonkoping": {
        "hospitals": [
            (
                "Länssjukhuset Ryhov",
                {
                    "Akutkliniken": 2,
                    "Medicinkliniken": 3,
                    "Kirurgkliniken": 2,
                    "Ortopedkliniken": 1,
                    "Barn- och ungdomskliniken": 1,
                    "Psykiatriska kliniken": 2,
                    "Infektionskliniken": 1,
                    "Anestesikliniken": 1,
                },
            ),
            ("Höglandssjukhuset Eksjö", {"Medicinkliniken": 2, "Psykiatriska kliniken": 1}),
        ],
        "primary_care": (
            "Primärvård Jönköpings län",
            {
                "Vårdcentralen Tenhult": 1,
                "Vårdcentralen Öxnehaga": 2,
                "Vårdcentralen Råslätt": 2,
                "Vårdcentralen Norrahammar": 1,
            },
        ),
    },
    "ostergotland": {
        "hospitals": [
            (
                "Universitetssjukhuset i Linköping",
                {
                    "Akutkliniken": 3,
                    "Medicinkliniken": 3,
                    "Kirurgkliniken": 2,
                    "Ortopedkliniken": 2,
                    "Barn- och ungdomskliniken": 2,
                    "Psykiatriska kliniken": 3,
                    "Infektionskliniken": 1,
                    "Anestesikliniken": 1,
                },
            ),
            (
                "Vrinnevisjukhuset",
                {
                    "Akutkliniken": 2,
                    "Medicinkliniken": 2,
                    "Kirurgkliniken": 1,
                    "Psykiatriska kliniken": 2,
                },
            ),
        ],
        "primary_care": (
            "Primärvård Östergötland",
            {
                "Vårdcentralen Ekholmen": 2,
                "Vårdcentralen Skäggetorp": 2,
                "Vårdcentralen Kneippen": 2,
                "Vårdcentralen Ljura": 1,
                "Vårdcentralen Motala": 1,
            },
        ),
    },
    "dalarna": {
        "hospitals": [
            (
                "Falu lasarett",
                {
                    "Akutkliniken": 2,
                    "Medicinkliniken": 3,
                    "Kirurgkliniken": 2,
                    "Ortopedkliniken": 1,
                    "Barn- och ungdomskliniken": 1,
                    "Psykiatriska kliniken": 2,
                    "Geriatriska kliniken": 1,
                },
            ),
            ("Mora lasarett", {"Medicinkliniken": 1, "Kirurgkliniken": 1}),
        ],
        "primary_care": (
            "Primärvård Dalarna",
            {
                "Vårdcentralen Britsarvet": 2,
                "Vårdcentralen Kvarnsveden": 2,
                "Vårdcentralen Ludvika": 1,
                "Vårdcentralen Mora": 1,
            },
        ),
    },
    "varmland": {
        "hospitals": [
            (
                "Centralsjukhuset Karlstad",
                {
                    "Akutkliniken": 3,
                    "Medicinkliniken": 3,
                    "Kirurgkliniken": 2,
                    "Ortopedkliniken": 1,
                    "Barn- och ungdomskliniken": 1,
                    "Psykiatriska kliniken": 2,
                    "Infektionskliniken": 1,
                    "Anestesikliniken": 1,
                },
            ),
        ],
        "primary_care": (
            "Primärvård Värmland",
            {
                "Vårdcentralen Gripen": 2,
                "Vårdcentralen Herrhagen": 1,
                "Vårdcentralen Kronoparken": 2,
                "Vårdcentralen Skoghall": 1,
                "Vårdcentralen Arvika": 1,
            },
        ),
    },
    "sormland": {
        "hospitals": [
            (
                "Mälarsjukhuset",
                {
                    "Akutkliniken": 3,
                    "Medicinkliniken": 3,
                    "Kirurgkliniken": 2,
                    "Ortopedkliniken": 2,
                    "Barn- och ungdomskliniken": 1,
                    "Vuxenpsykiatri": 2,
                },
            ),
            (
                "Nyköpings lasarett",
                {
                    "Medicinkliniken": 2,
                    "Kirurgkliniken": 1,
                    "Psykiatriska kliniken": 2,
                    "Anestesikliniken": 1,
                },
            ),
        ],
        "primary_care": (
            "Primärvård Sörmland",
            {
                "Vårdcentralen Skiftinge": 2,
                "Vårdcentralen Fröslunda": 2,
                "Vårdcentralen Oxelösund": 1,
                "Vårdcentralen Strängnäs": 1,
            },
        ),
    },
}

# Exceptions to the monthly capacity: (region, unit, month "YYYY-MM", capacity).
CAPACITY_EXCEPTIONS = [
    ("vgr", "Sahlgrenska Universitetssjukhuset/Akutkliniken", "2027-07", 1),
    ("vgr", "Sahlgrenska Universitetssjukhuset/Medicinkliniken", "2027-04", 4),
    ("vgr", "Vårdcentralen Majorna", "2027-07", 0),
    ("gavleborg", "Gävle sjukhus/Medicinkliniken", "2027-07", 1),
    ("gavleborg", "Hälsocentralen Brynäs", "2027-07", 0),
    ("jonkoping", "Länssjukhuset Ryhov/Psykiatriska kliniken", "2026-12", 1),
    ("ostergotland", "Vårdcentralen Ekholmen", "2027-07", 0),
    ("varmland", "Centralsjukhuset Karlstad/Akutkliniken", "2027-07", 1),
]
