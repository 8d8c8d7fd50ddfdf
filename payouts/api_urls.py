app_name = "payouts_api"
urlpatterns = []
