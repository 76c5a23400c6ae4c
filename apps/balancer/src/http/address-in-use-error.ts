/** A service's address is taken; the message names the flag that set it, so the fix is obvious. */
export class AddressInUseError extends Error {
  override readonly name = "AddressInUseError";
  readonly code = "EADDRINUSE";
  readonly flag: string;
  readonly address: string;

  constructor(options: { flag: string; address: string; cause?: unknown }) {
    super(
      `${options.flag}: ${options.address} is already in use (is another paddler running?); stop it or give ${options.flag} another address`,
      { cause: options.cause },
    );
    this.flag = options.flag;
    this.address = options.address;
  }
}
