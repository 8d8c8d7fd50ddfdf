from django.urls import path

from . import views

app_name = "checkin"
urlpatterns = [
    path("to-declare", views.to_declare, name="to_declare"),
    path("bookings/<int:pk>/declare", views.declare, name="declare"),
    path("bookings/<int:pk>/fees/<int:item_pk>/waive", views.fee_waive, name="fee_waive"),
]
