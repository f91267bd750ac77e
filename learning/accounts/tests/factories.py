"""factory_boy factories for accounts. `UserFactory(role="teacher")` makes a teacher.

The role groups come from migration 0002_roles; `get_or_create` keeps the factory
working after a transactional test flushed the tables."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from learning.accounts.roles import Role, user_roles_forget

DEFAULT_PASSWORD = "correct-Horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email_verified = True
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        """`role="student"|"teacher"|"admin"` (or a list of them); admins also get
        is_staff so the Django admin opens for them."""
        if not extracted:
            return
        roles = [extracted] if isinstance(extracted, str) else list(extracted)
        for role in roles:
            role = Role(role)
            obj.groups.add(Group.objects.get_or_create(name=role.value)[0])
            if role == Role.ADMIN and not obj.is_staff:
                obj.is_staff = True
                obj.save(update_fields=["is_staff"])
        user_roles_forget(obj)
