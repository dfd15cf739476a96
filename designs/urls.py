app_name = "designs"

urlpatterns: list = []
