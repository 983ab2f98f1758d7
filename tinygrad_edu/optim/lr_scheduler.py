"""Learning-rate schedules, named and stepped like `torch.optim.lr_scheduler`.

Each scheduler is a closed formula of the epoch counter: `lr_at(base_lr, epoch)`. Calling
`step()` advances the counter and writes the new rate into every param group.
"""
import math


class LRScheduler:
    """Base class: remembers each group's starting rate and sets `lr = lr_at(base, epoch)` on `step()`."""

    def __init__(self, optimizer, last_epoch=-1):
        if not hasattr(optimizer, "param_groups"):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def lr_at(self, base_lr, epoch):
        raise NotImplementedError(f"{type(self).__name__} must define lr_at(base_lr, epoch)")

    def step(self):
        self.last_epoch += 1
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.lr_at(base, self.last_epoch)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The rates set by the latest `step()`, one per param group."""
        return list(self._last_lr)

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        """Restore the schedule's position; only the names `state_dict()` gives are accepted (the file can
        neither replace the optimizer nor add attributes), checked before anything changes."""
        own, name = self.state_dict(), type(self).__name__
        if not isinstance(state_dict, dict):
            raise TypeError(f"{name}.load_state_dict: expected a dict, got {type(state_dict).__name__}")
        unexpected, missing = set(state_dict) - set(own), set(own) - set(state_dict)
        if unexpected or missing:
            raise ValueError(f"{name}.load_state_dict: unexpected keys {sorted(unexpected, key=str)}, "
                             f"missing keys {sorted(missing)}; nothing was loaded")
        self.__dict__.update(state_dict)


class StepLR(LRScheduler):
    """Multiply the rate by `gamma` every `step_size` epochs."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """Multiply the rate by `gamma` every epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        return base_lr * self.gamma ** epoch


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from the base rate down to `eta_min` over `T_max` epochs."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        if not isinstance(T_max, int) or T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max!r}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2


class LinearLR(LRScheduler):
    """Linear warmup: scale the rate from `start_factor` to `end_factor` over `total_iters` epochs."""

    def __init__(self, optimizer, start_factor=1 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        if not 0 < start_factor <= 1 or not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: need 0 < start_factor <= 1 and 0 <= end_factor <= 1, "
                             f"got {start_factor}, {end_factor}")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        progress = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


class OneCycleLR(LRScheduler):
    """Warm up from max_lr/div_factor to max_lr, then anneal to a tiny rate, cycling momentum the other way.

    Per step (not per epoch), like PyTorch's default two-phase policy; momentum (SGD's `momentum`
    or Adam's beta1) goes from max_momentum down to base_momentum while the rate rises, and back.
    """

    def __init__(self, optimizer, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos",
                 cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
                 final_div_factor=1e4, last_epoch=-1):
        if not isinstance(total_steps, int) or total_steps < 2:
            raise ValueError(f"OneCycleLR: total_steps must be an int >= 2, got {total_steps!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: anneal_strategy is 'cos' or 'linear', got {anneal_strategy!r}")
        self.total_steps, self.anneal_strategy = total_steps, anneal_strategy
        self.cycle_momentum = cycle_momentum
        self.phase_end = [pct_start * total_steps - 1, total_steps - 1]
        self.momenta = (max_momentum, base_momentum)
        self.peaks = []
        for group in optimizer.param_groups:
            group["initial_lr"] = max_lr / div_factor
            self.peaks.append((max_lr, max_lr / div_factor / final_div_factor))
            if cycle_momentum:
                if "betas" not in group and "momentum" not in group:
                    raise ValueError("OneCycleLR: cycle_momentum needs an optimizer with momentum or betas")
                self._set_momentum(group, max_momentum)
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _set_momentum(group, value):
        if "betas" in group:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)
        return start + (end - start) * pct

    def _phase(self, epoch):
        """(phase index, fraction of the way through it)."""
        if epoch > self.total_steps - 1:
            raise ValueError(f"OneCycleLR: stepped {epoch + 1} times; total_steps={self.total_steps}")
        if epoch <= self.phase_end[0]:
            return 0, epoch / self.phase_end[0]
        return 1, (epoch - self.phase_end[0]) / (self.phase_end[1] - self.phase_end[0])

    def lr_at(self, base_lr, epoch):
        raise AssertionError("OneCycleLR sets rates per group in step()")

    def step(self):
        self.last_epoch += 1
        phase, pct = self._phase(self.last_epoch)
        for group, base, (max_lr, min_lr) in zip(self.optimizer.param_groups, self.base_lrs, self.peaks):
            lr_ends = [(base, max_lr), (max_lr, min_lr)][phase]
            group["lr"] = self._anneal(*lr_ends, pct)
            if self.cycle_momentum:
                m_ends = [self.momenta, self.momenta[::-1]][phase]
                self._set_momentum(group, self._anneal(*m_ends, pct))
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]
