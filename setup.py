"""Packaging: the wheel carries the top-level data folders inside the package.

Everything else about the project is in pyproject.toml. This file exists only
because pyproject.toml cannot both find the code's packages automatically and
map extra folders into the package: ``scenarios/``, ``seeds/`` and ``assets/``
stay the authors' working copies at the top of the repository, and a regular
(non-editable) install puts them at ``game/_data/scenarios`` and so on, where
``game/scenario/paths.py`` finds them through ``importlib.resources``. One copy of each
file, read at build time; nothing is duplicated in the repository.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup  # type: ignore[import-untyped]

# package name inside the wheel -> folder in the repository
DATA = {
    "game._data.scenarios": "scenarios",
    "game._data.seeds": "seeds",
    "game._data.assets": "assets",
}


def data_packages() -> dict[str, str]:
    """Every folder under the data folders, as a package name -> its folder."""
    out = {}
    for name, folder in DATA.items():
        out[name] = folder
        for sub in sorted(Path(folder).rglob("*")):
            if sub.is_dir() and not sub.name.startswith((".", "__")):
                out[".".join((name, *sub.relative_to(folder).parts))] = sub.as_posix()
    return out


DATA_PACKAGES = data_packages()
CODE = find_namespace_packages(include=["game", "game.*"], exclude=["*.__pycache__"])

setup(
    packages=CODE + list(DATA_PACKAGES),
    package_dir=DATA_PACKAGES,
    package_data={
        "game": [
            "py.typed",
            "report/templates/*",
            "scenario/starter/*/*.yaml",
            "serve/templates/*",
            "serve/static/*",
            # compiled message catalogs (pybabel compile; see README, "Translations")
            "locale/*/LC_MESSAGES/*.mo",
        ]
    }
    | {name: ["*"] for name in DATA_PACKAGES},
)
