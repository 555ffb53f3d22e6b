"""Sweden's 21 regions (county code, short name, name, BT programme template id)."""

REGIONS = [
    ("01", "stockholm", "Region Stockholm", "national"),
    ("03", "uppsala", "Region Uppsala", "national"),
    ("04", "sormland", "Region Sörmland", "sormland"),
    ("05", "ostergotland", "Region Östergötland", "ostergotland"),
    ("06", "jonkoping", "Region Jönköpings län", "jonkoping"),
    ("07", "kronoberg", "Region Kronoberg", "national"),
    ("08", "kalmar", "Region Kalmar län", "national"),
    ("09", "gotland", "Region Gotland", "national"),
    ("10", "blekinge", "Region Blekinge", "national"),
    ("12", "skane", "Region Skåne", "national"),
    ("13", "halland", "Region Halland", "national"),
    ("14", "vgr", "Västra Götalandsregionen", "vgr"),
    ("17", "varmland", "Region Värmland", "varmland"),
    ("18", "orebro", "Region Örebro län", "orebro"),
    ("19", "vastmanland", "Region Västmanland", "national"),
    ("20", "dalarna", "Region Dalarna", "dalarna"),
    ("21", "gavleborg", "Region Gävleborg", "gavleborg"),
    ("22", "vasternorrland", "Region Västernorrland", "national"),
    ("23", "jamtland", "Region Jämtland Härjedalen", "national"),
    ("24", "vasterbotten", "Region Västerbotten", "national"),
    ("25", "norrbotten", "Region Norrbotten", "national"),
]


def load_regions(region_model) -> None:
    for code, slug, name, programme in REGIONS:
        region_model.objects.update_or_create(code=code, defaults={"slug": slug, "name": name, "programme": programme})
