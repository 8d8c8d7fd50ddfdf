"""The launch catalogue: platform-set prices (base, before the customer fee) and durations."""

from decimal import Decimal

from django.db import migrations

# slug, French name, English name, customer fee %, pro commission %
CATEGORIES = [
    ("cleaning", "Ménage", "Cleaning", Decimal("8.00"), Decimal("15.00")),
    ("hairdressing", "Coiffure", "Hairdressing", Decimal("5.00"), Decimal("20.00")),
    ("beauty", "Esthétique", "Beauty care", Decimal("5.00"), Decimal("20.00")),
    ("massage", "Massage", "Massage", Decimal("5.00"), Decimal("20.00")),
]

# category, slug, name fr, name en, minutes, base price cents
SERVICES = [
    ("cleaning", "menage-2h", "Ménage à domicile, 2 h", "Home cleaning, 2 h", 120, 4800),
    ("cleaning", "menage-3h", "Ménage à domicile, 3 h", "Home cleaning, 3 h", 180, 7200),
    ("cleaning", "menage-4h", "Ménage à domicile, 4 h", "Home cleaning, 4 h", 240, 9600),
    ("cleaning", "menage-5h", "Ménage à domicile, 5 h", "Home cleaning, 5 h", 300, 12000),
    ("cleaning", "repassage-2h", "Repassage, 2 h", "Ironing, 2 h", 120, 4800),
    ("hairdressing", "coupe-brushing-femme", "Coupe et brushing femme", "Women's cut and blow-dry", 60, 4500),
    ("hairdressing", "brushing", "Brushing", "Blow-dry", 45, 3000),
    ("hairdressing", "coupe-homme", "Coupe homme", "Men's haircut", 30, 2500),
    ("hairdressing", "coloration-racines", "Coloration racines et brushing", "Root colour and blow-dry", 90, 6500),
    ("hairdressing", "coupe-enfant", "Coupe enfant", "Children's haircut", 30, 2000),
    ("beauty", "manucure", "Manucure", "Manicure", 45, 3000),
    ("beauty", "vernis-semi-permanent", "Pose de vernis semi-permanent", "Semi-permanent nail polish", 60, 4000),
    ("beauty", "epilation-jambes", "Épilation jambes complètes", "Full leg waxing", 45, 3500),
    ("beauty", "soin-visage", "Soin du visage", "Facial", 60, 6000),
    ("massage", "massage-relaxant-60", "Massage relaxant, 60 min", "Relaxing massage, 60 min", 60, 7000),
    ("massage", "massage-relaxant-90", "Massage relaxant, 90 min", "Relaxing massage, 90 min", 90, 9500),
    ("massage", "massage-prenatal", "Massage prénatal, 60 min", "Prenatal massage, 60 min", 60, 7500),
    ("massage", "massage-sportif", "Massage sportif, 60 min", "Sports massage, 60 min", 60, 7500),
]


def load(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Service = apps.get_model("catalog", "Service")
    categories = {}
    for position, (slug, name_fr, _name_en, fee, commission) in enumerate(CATEGORIES):
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name_fr,
                "position": position,
                "customer_fee_percent": fee,
                "pro_commission_percent": commission,
            },
        )
    for position, (category, slug, name_fr, name_en, minutes, cents) in enumerate(SERVICES):
        Service.objects.update_or_create(
            slug=slug,
            defaults={
                "category": categories[category],
                "name_fr": name_fr,
                "name_en": name_en,
                "duration_minutes": minutes,
                "base_price_cents": cents,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
