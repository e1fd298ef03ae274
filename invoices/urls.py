from invoices.views import recipient, supplier

app_name = "invoices"

# Each screen family declares its own routes next to its views.
urlpatterns = [*supplier.urlpatterns, *recipient.urlpatterns]
