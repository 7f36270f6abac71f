package dev.heed.core.nn.init;

import org.apiguardian.api.API;

/** Which fan Kaiming initialisation preserves: the forward pass (fan_in) or the backward (fan_out). */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum FanMode {
    /** preserve the variance of activations in the forward pass. */
    FAN_IN,
    /** preserve the variance of gradients in the backward pass. */
    FAN_OUT
}
