"""The authentication backend: django-axes' throttling, then Django's model backend."""

from axes.backends import AxesBackend

from .models import User


class AmbassadorBackend(AxesBackend):
    """django-axes' backend (refuses locked-out attempts before any password is checked),
    loading the signed-in person with their ambassador profile in the same query: nearly
    every page an ambassador opens reads it (membership gate, Mon espace)."""

    def get_user(self, user_id):
        user = User._default_manager.select_related("ambassador_profile").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
