app_name = "pros_api"
urlpatterns = []
