"""A customer's favourite pros (ranked first when they book): only a pro who served them."""

from core import clock
from pros import scoring

from ..errors import FavoriteNotAllowed
from ..models import Favorite
from ..selectors.customer import pro_served_customer


def favorite_add(*, customer, pro) -> Favorite:
    if not pro_served_customer(pro=pro, customer=customer):
        raise FavoriteNotAllowed()
    favorite, created = Favorite.objects.get_or_create(customer=customer, pro=pro)
    if created:
        scoring.score_favourite_set(
            pro_id=pro.pk, customer_id=customer.pk, favourite=True, at=favorite.created_at
        )
    return favorite


def favorite_remove(*, customer, pro) -> bool:
    deleted, _rows = Favorite.objects.filter(customer=customer, pro=pro).delete()
    if deleted:
        scoring.score_favourite_set(
            pro_id=pro.pk, customer_id=customer.pk, favourite=False, at=clock.now()
        )
    return bool(deleted)
