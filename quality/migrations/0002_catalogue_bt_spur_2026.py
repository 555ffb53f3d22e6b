"""The first criteria catalogue: today's ST-SPUR areas A–H with statements adapted to BT.

Lipus has not published a BT model; this is a starting point kept as data (edit it in the admin or on the
catalogue page, where a catalogue in use is copied to a new version). Sources name the regulation
(HSLF-FS 2021:8: "föreskrift" binding, "allmänt råd" advice) or the ST-SPUR practice; check the wording
against the regulation in force before a catalogue is used in earnest.
"""

import datetime

from django.db import migrations

REG = "HSLF-FS 2021:8"
ADV = "HSLF-FS 2021:8, allmänt råd"
SPUR = "ST-SPUR (Lipus), praxis"
ALL = ["verksamhetschef", "studierektor", "handledare", "bt_lakare"]
STAFF = ["verksamhetschef", "studierektor"]
SUP = ["studierektor", "handledare", "bt_lakare"]

AREAS = [
    ("A", "Verksamheten", [
        ("binding", REG, ALL, "Verksamheten har ett sådant innehåll och en sådan omfattning att BT-läkaren kan nå de delmål som placeringen är avsedd för."),
        ("binding", REG, STAFF, "Verksamhetschefen ansvarar för att BT-läkaren får den tjänstgöring, handledning och bedömning som krävs."),
        ("advice", ADV, ALL, "BT-läkaren får ett eget patientansvar under handledning som ökar i takt med kompetensen."),
    ]),
    ("B", "Medarbetarstab och interna kompetenser", [
        ("binding", REG, STAFF, "Det finns specialistkompetenta läkare i tillräckligt antal för att handleda BT-läkarna."),
        ("binding", REG, SUP, "Handledarna har genomgått handledarutbildning."),
        ("advice", "Regional BT-programmet", SUP, "Handledarna har genomgått BT-handledarutbildning där regionen kräver eller rekommenderar den."),
    ]),
    ("C", "Lokaler och utrustning", [
        ("advice", SPUR, ALL, "BT-läkaren har tillgång till arbetsplats, dator och journalsystem från första dagen."),
        ("advice", SPUR, ALL, "Det finns tid och plats för handledningssamtal och egen kunskapsinhämtning."),
    ]),
    ("D", "Tjänstgöringens uppläggning", [
        ("binding", REG, ALL, "Det finns ett individuellt utbildningsprogram (IUP) för varje BT-läkare som anger hur delmålen ska nås."),
        ("binding", REG, STAFF, "Placeringarna planeras så att minst tre månader sker i akut sjukvård och minst tre månader i primärvård."),
        ("advice", ADV, ALL, "Antalet tjänstgöringsställen är högst fyra och placeringarna är sammanhängande."),
        ("advice", SPUR, ["bt_lakare", "handledare"], "Introduktionen på enheten ger BT-läkaren det som behövs för att arbeta säkert."),
    ]),
    ("E", "Handledning och uppföljning", [
        ("binding", REG, ALL, "BT-läkaren har en huvudhandledare under hela bastjänstgöringen och en handledare under varje placering."),
        ("binding", REG, SUP, "BT-läkarens kompetens bedöms fortlöpande med strukturerade bedömningsinstrument."),
        ("advice", ADV, SUP, "Handledningssamtal förs regelbundet och dokumenteras."),
        ("advice", "Regional BT-programmet", SUP, "Bedömningar görs i den takt regionens program anger."),
    ]),
    ("F", "Teoretisk utbildning", [
        ("advice", ADV, ALL, "BT-läkaren deltar i kurser och seminarier som stödjer de delmål som är svåra att nå i kliniskt arbete."),
        ("advice", SPUR, ["bt_lakare", "studierektor"], "BT-läkaren får ledigt för teoretisk utbildning inom tjänstgöringen."),
    ]),
    ("G", "Medicinsk vetenskap och kvalitetsarbete", [
        ("binding", REG, SUP, "BT-läkaren får möjlighet att tillämpa ett vetenskapligt förhållningssätt (delmål BT7)."),
        ("binding", REG, SUP, "BT-läkaren deltar i enhetens systematiska kvalitetsarbete (delmål BT6)."),
    ]),
    ("H", "Ledarskap och kommunikation", [
        ("binding", REG, SUP, "BT-läkaren får leda det multiprofessionella arbetet kring patienten (delmål BT10)."),
        ("advice", SPUR, ALL, "BT-läkaren får regelbunden återkoppling på sin kommunikation med patienter och medarbetare."),
    ]),
]


def load(apps, schema_editor):
    Catalogue = apps.get_model("quality", "Catalogue")
    Area = apps.get_model("quality", "Area")
    Statement = apps.get_model("quality", "Statement")
    catalogue, created = Catalogue.objects.get_or_create(
        version="BT-SPUR 2026:1",
        defaults={
            "title": "Granskning av BT – kriterier enligt ST-SPUR anpassade till BT",
            "valid_from": datetime.date(2026, 1, 1),
            "is_current": True,
            "note": "Utgår från ST-SPUR:s områden A–H. Lipus har ännu inte publicerat en BT-modell.",
        },
    )
    if not created:
        return
    for code, title, statements in AREAS:
        area = Area.objects.create(catalogue=catalogue, code=code, title=title)
        for n, (kind, source, roles, text) in enumerate(statements, start=1):
            Statement.objects.create(
                area=area, code=f"{code}{n}", text=text, kind=kind, source=source, roles=roles, order=n
            )


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
