"""A customer's favourite pros (ranked first when they book): only a pro who served them."""

from ..errors import FavoriteNotAllowed
from ..models import Favorite
from ..selectors.customer import pro_served_customer


def favorite_add(*, customer, pro) -> Favorite:
    if not pro_served_customer(pro=pro, customer=customer):
        raise FavoriteNotAllowed()
    favorite, _created = Favorite.objects.get_or_create(customer=customer, pro=pro)
    return favorite


def favorite_remove(*, customer, pro) -> bool:
    deleted, _rows = Favorite.objects.filter(customer=customer, pro=pro).delete()
    return bool(deleted)
