from django.urls import path

from hoiso.org.views import population, restructuring, tree, units

app_name = "org"

urlpatterns = [
    path("", tree.tree, name="tree"),
    path("chon-don-vi/", tree.switch_unit, name="switch_unit"),
    path("<int:pk>/", tree.unit_detail, name="unit_detail"),
    path("<int:pk>/con/", tree.tree_children, name="tree_children"),
    path("<int:pk>/lich-su/", tree.unit_lineage, name="unit_lineage"),
    path("<int:pk>/them/", units.unit_create, name="unit_create"),
    path("<int:pk>/sua/", units.unit_edit, name="unit_edit"),
    path("<int:pk>/can-bo/", units.unit_officials, name="unit_officials"),
    path("<int:pk>/can-bo/them/", units.official_create, name="official_create"),
    path("can-bo/<int:pk>/ket-thuc/", units.official_end, name="official_end"),
    path("<int:pk>/dan-so/", population.population_edit, name="population_edit"),
    path("dan-so/", population.population_list, name="population_list"),
    path("dan-so/nhap/", population.population_import, name="population_import"),
    path("dan-so/mau.xlsx", population.population_template, name="population_template"),
    path("tai-cau-truc/", restructuring.restructuring_list, name="restructuring_list"),
    path("tai-cau-truc/moi/", restructuring.restructuring_start, name="restructuring_start"),
    path(
        "tai-cau-truc/moi/<slug:kind>/",
        restructuring.restructuring_wizard,
        name="restructuring_wizard",
    ),
    path("tai-cau-truc/<int:pk>/", restructuring.restructuring_detail, name="restructuring_detail"),
    path(
        "tai-cau-truc/<int:pk>/hoan-tac/",
        restructuring.restructuring_revert,
        name="restructuring_revert",
    ),
]
