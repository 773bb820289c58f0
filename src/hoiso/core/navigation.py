"""The main navigation, by capability. Each app registers its entries in AppConfig.ready();
the shell shows an entry only to users who hold its action somewhere."""

from dataclasses import dataclass

_items: list["NavItem"] = []


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    action: str
    order: int = 50


def register(item: NavItem) -> None:
    if item.url_name not in {existing.url_name for existing in _items}:
        _items.append(item)


def items() -> list[NavItem]:
    return sorted(_items, key=lambda item: item.order)
