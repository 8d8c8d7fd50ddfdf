from django.urls import path

from . import api

app_name = "payouts_api"
urlpatterns = [
    path("payment-methods/setup-intent", api.SetupIntentApi.as_view(), name="setup_intent"),
    path("payment-methods", api.PaymentMethodListCreateApi.as_view(), name="payment_methods"),
    path("charges", api.ChargeListApi.as_view(), name="charges"),
    path("pro/earnings", api.ProEarningsApi.as_view(), name="pro_earnings"),
    path("pro/payouts", api.ProPayoutListApi.as_view(), name="pro_payouts"),
]
