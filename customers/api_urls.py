app_name = "customers_api"
urlpatterns = []
