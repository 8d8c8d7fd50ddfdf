"""Factories per model. Each app's section is kept together; add yours at the end of it."""

import factory
from django.contrib.auth import get_user_model

# --- core -----------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    phone = factory.Sequence(lambda n: f"+3361234{n:04d}")
    password = factory.django.Password("demo1234")
