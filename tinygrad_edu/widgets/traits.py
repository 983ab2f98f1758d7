"""Validation shared by the training widgets' traits: a bad value raises InvalidSetting, which is both the
TraitError traitlets expects and the ValueError a constructor argument should raise."""
import traitlets


class InvalidSetting(traitlets.TraitError, ValueError):
    pass


def checked(check):
    """A traitlets validator running `check(widget, value)`; its ValueError becomes an InvalidSetting."""
    def validate(self, proposal):
        try:
            return check(self, proposal["value"])
        except InvalidSetting:
            raise
        except (ValueError, traitlets.TraitError) as e:
            raise InvalidSetting(str(e)) from None
    return validate
