import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Category, Service
from tests.factories import ServiceFactory


@pytest.mark.django_db
def test_services_are_public_with_customer_price(api_client):
    response = api_client.get("/api/v1/services")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Service.objects.active().count() > 0
    menage = next(item for item in body["results"] if item["category"] == "cleaning")
    service = Service.objects.get(pk=menage["id"])
    assert set(menage) == {"id", "name", "category", "duration_minutes", "price_cents"}
    assert menage["duration_minutes"] == service.duration_minutes
    # Customer price = base price + customer service fee of the category.
    expected = service.base_price_cents + round(
        service.base_price_cents * service.category.customer_fee_percent / 100
    )
    assert menage["price_cents"] == expected
    assert menage["price_cents"] > service.base_price_cents


@pytest.mark.django_db
def test_service_name_follows_request_language(api_client):
    service = ServiceFactory(name_fr="Ménage test", name_en="Cleaning test")
    assert _all(api_client, "fr")[service.pk]["name"] == "Ménage test"
    assert _all(api_client, "en")[service.pk]["name"] == "Cleaning test"


def _all(api_client, language):
    results, url = {}, "/api/v1/services"
    while url:
        body = api_client.get(url, HTTP_ACCEPT_LANGUAGE=language).json()
        results.update({item["id"]: item for item in body["results"]})
        url = body["next"]
    return results


@pytest.mark.django_db
def test_inactive_services_are_hidden(api_client):
    hidden = ServiceFactory(is_active=False)
    assert hidden.pk not in _all(api_client, "fr")


@pytest.mark.django_db
def test_services_list_is_a_constant_number_of_queries(api_client):
    for _ in range(5):
        ServiceFactory()
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/v1/services")
    assert response.status_code == 200
    assert len(queries) <= 2  # count + page, categories joined


@pytest.mark.django_db
def test_services_ignores_a_bad_token(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert api_client.get("/api/v1/services").status_code == 200


@pytest.mark.django_db
def test_catalog_admin_pages(admin_client):
    assert site.is_registered(Category) and site.is_registered(Service)
    service = Service.objects.first()
    response = admin_client.get("/admin/catalog/service/?q=" + service.slug)
    assert response.status_code == 200
    assert service.name_fr in response.content.decode()
    assert admin_client.get("/admin/catalog/service/?category__id__exact=1").status_code == 200
    assert admin_client.get(f"/admin/catalog/service/{service.pk}/change/").status_code == 200
    assert admin_client.get("/admin/catalog/category/").status_code == 200


@pytest.mark.django_db
def test_admin_edits_commission_rates_and_prices_follow(admin_client, api_client):
    category = Category.objects.get(slug="massage")
    service = category.services.first()
    data = {
        "form-TOTAL_FORMS": "4",
        "form-INITIAL_FORMS": "4",
        "_save": "Save",
    }
    for i, cat in enumerate(Category.objects.order_by("position", "id")):
        data[f"form-{i}-id"] = str(cat.pk)
        data[f"form-{i}-customer_fee_percent"] = (
            "10.00" if cat == category else str(cat.customer_fee_percent)
        )
        data[f"form-{i}-pro_commission_percent"] = str(cat.pro_commission_percent)
    response = admin_client.post("/admin/catalog/category/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    category.refresh_from_db()
    assert str(category.customer_fee_percent) == "10.00"
    assert _all(api_client, "fr")[service.pk]["price_cents"] == service.base_price_cents + round(
        service.base_price_cents / 10
    )
