/** Whether a controller replica can do its job: {@code /readyz} and the ControllerReady condition. */
package dev.calicodcos.controller.health;
