"""Risk profiles: targeting rules written by analysts in YAML, versioned, backtested before activation."""

from safelane.risk.profiles.language import Profile
from safelane.risk.profiles.load import ProfileError, load_file, load_folder, load_text
from safelane.risk.profiles.match import CompiledProfile, ProfileSet, compile_profile

__all__ = [
    "CompiledProfile",
    "Profile",
    "ProfileError",
    "ProfileSet",
    "compile_profile",
    "load_file",
    "load_folder",
    "load_text",
]
