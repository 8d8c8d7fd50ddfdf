from django.urls import path

from . import api

app_name = "customers_api"
urlpatterns = [
    path("auth/register", api.RegisterApi.as_view(), name="register"),
    path("auth/token", api.TokenApi.as_view(), name="token"),
    path("auth/tokens", api.TokensApi.as_view(), name="tokens"),
    path("auth/password-reset", api.PasswordResetApi.as_view(), name="password_reset"),
    path("me", api.MeApi.as_view(), name="me"),
    path("me/customer", api.MeCustomerApi.as_view(), name="me_customer"),
    path("addresses", api.AddressListCreateApi.as_view(), name="addresses"),
    path("addresses/<int:pk>", api.AddressDetailApi.as_view(), name="address"),
]
