from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's own app: only the bare page type. Installed by `bench.settings`
    and never by the project's settings, so it adds no table outside benchmarks."""

    name = "bench"
    verbose_name = "Benchmarks"
    default_auto_field = "django.db.models.BigAutoField"
