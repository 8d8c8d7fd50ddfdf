app_name = "pros"
urlpatterns = []
