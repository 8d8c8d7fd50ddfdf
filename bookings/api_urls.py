app_name = "bookings_api"
urlpatterns = []
