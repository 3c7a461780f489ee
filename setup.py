"""Which packages the distribution holds (the rest of the metadata is in pyproject.toml).

The top-level resources/ folder is shipped inside the package as `repdesk.resources`, with every
file under it; the migrations ship their revisions and template as files Alembic reads.
"""

from setuptools import find_namespace_packages, setup

RESOURCES = [
    "repdesk.resources",
    *(f"repdesk.resources.{name}" for name in find_namespace_packages(where="resources")),
]

setup(
    packages=[*find_namespace_packages(include=["repdesk", "repdesk.*"]), *RESOURCES],
    package_dir={"repdesk.resources": "resources"},
    package_data={
        "repdesk": ["migrations/*.mako", "migrations/*.py", "migrations/versions/*.py"],
        **{name: ["*"] for name in RESOURCES},
    },
)
