from decimal import Decimal

import h3
import pytest

from core.errors import InvalidInput, NotFound
from core.models import AuditEvent
from customers import selectors, services
from customers.models import Address
from tests.factories import AddressFactory, CustomerFactory

VALID = {
    "label": "Home",
    "street": "10 rue de Rivoli",
    "postal_code": "75004",
    "city": "Paris",
    "lat": "48.855800",
    "lng": "2.357000",
}


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def client_of(api_client):
    def make(customer):
        api_client.force_authenticate(customer.user)
        return api_client

    return make


@pytest.mark.django_db
def test_address_create_computes_h3_cell(customer, settings):
    settings.H3_RESOLUTION = 7
    address = services.address_create(customer=customer, **VALID)
    assert address.lat == Decimal("48.855800")
    expected = h3.str_to_int(h3.latlng_to_cell(48.8558, 2.357, 7))
    assert address.h3_cell == expected
    assert AuditEvent.objects.filter(
        action="address.created", subject=f"customers.address:{address.pk}"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field",
    [
        ({"lat": "90.1"}, "lat"),
        ({"lat": "-91"}, "lat"),
        ({"lng": "180.5"}, "lng"),
        ({"lng": "-200"}, "lng"),
        ({"lat": "abc"}, "lat"),
        ({"lat": "NaN"}, "lat"),
        ({"postal_code": "7500"}, "postal_code"),
        ({"postal_code": "ABCDE"}, "postal_code"),
        ({"street": " "}, "street"),
        ({"city": ""}, "city"),
    ],
)
def test_address_create_refuses_bad_input(customer, change, field):
    with pytest.raises(InvalidInput) as caught:
        services.address_create(customer=customer, **{**VALID, **change})
    assert field in caught.value.fields
    assert not Address.objects.exists()


@pytest.mark.django_db
def test_address_bounds_are_inclusive(customer):
    address = services.address_create(customer=customer, **{**VALID, "lat": "-90", "lng": "180"})
    assert (address.lat, address.lng) == (Decimal("-90"), Decimal("180"))


@pytest.mark.django_db
def test_api_create_list_get_delete(customer, client_of):
    client = client_of(customer)
    created = client.post("/api/v1/addresses", VALID, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["street"] == "10 rue de Rivoli" and body["postal_code"] == "75004"
    assert body["lat"] == 48.8558 and body["lng"] == 2.357
    assert body["created_at"][-6:] in {"+01:00", "+02:00"}  # Europe/Paris, with offset
    listed = client.get("/api/v1/addresses").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    assert client.get(f"/api/v1/addresses/{body['id']}").json()["city"] == "Paris"

    assert client.delete(f"/api/v1/addresses/{body['id']}").status_code == 204
    address = Address.objects.get(pk=body["id"])
    assert address.deleted_at is not None  # soft delete: bookings keep their address
    assert client.get("/api/v1/addresses").json()["count"] == 0
    assert client.get(f"/api/v1/addresses/{body['id']}").status_code == 404
    assert client.delete(f"/api/v1/addresses/{body['id']}").status_code == 404


@pytest.mark.django_db
def test_api_bad_input_answers_invalid_and_writes_nothing(customer, client_of):
    client = client_of(customer)
    response = client.post(
        "/api/v1/addresses", {**VALID, "lat": "95", "postal_code": "1", "street": ""}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {"street"} <= set(error["fields"])  # blank street is refused by the serializer already
    response = client.post(
        "/api/v1/addresses", {**VALID, "lat": "95", "postal_code": "1"}, format="json"
    )
    assert response.status_code == 400
    assert {"lat", "postal_code"} <= set(response.json()["error"]["fields"])
    for lat in ("1e400", "Infinity", "NaN", [1], ""):
        response = client.post("/api/v1/addresses", {**VALID, "lat": lat}, format="json")
        assert response.status_code == 400 and "lat" in response.json()["error"]["fields"], lat
    response = client.post("/api/v1/addresses", {"street": "x"}, format="json")
    assert {"postal_code", "city", "lat", "lng"} <= set(response.json()["error"]["fields"])
    assert not Address.objects.exists()


@pytest.mark.django_db
def test_customers_only_see_their_own_addresses(customer, client_of):
    mine = AddressFactory(customer=customer)
    theirs = AddressFactory()
    client = client_of(customer)
    ids = [row["id"] for row in client.get("/api/v1/addresses").json()["results"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/v1/addresses/{theirs.pk}").status_code == 404
    response = client.delete(f"/api/v1/addresses/{theirs.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.deleted_at is None


@pytest.mark.django_db
def test_address_delete_service_checks_owner(customer):
    theirs = AddressFactory()
    with pytest.raises(NotFound):
        services.address_delete(customer=customer, address=theirs)
    with pytest.raises(NotFound):
        selectors.address_get(customer=customer, address_id=theirs.pk)


@pytest.mark.django_db
def test_addresses_need_authentication(api_client):
    assert api_client.get("/api/v1/addresses").status_code == 401
    assert api_client.post("/api/v1/addresses", VALID, format="json").status_code == 401
    assert not Address.objects.exists()


@pytest.mark.django_db
def test_address_list_query_count(customer, client_of, django_assert_max_num_queries):
    for _ in range(5):
        AddressFactory(customer=customer)
    client = client_of(customer)
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/addresses").json()["count"] == 5


@pytest.mark.django_db
def test_api_rounds_precise_geocoder_coordinates(customer, client_of):
    response = client_of(customer).post(
        "/api/v1/addresses", {**VALID, "lat": 48.85661234567, "lng": 2.35222189}, format="json"
    )
    assert response.status_code == 201, response.json()
    address = Address.objects.get()
    assert (address.lat, address.lng) == (Decimal("48.856612"), Decimal("2.352222"))
