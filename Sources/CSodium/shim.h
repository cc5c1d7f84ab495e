// libsodium (Debian's libsodium-dev) for NaCl SecretBox: XSalsa20-Poly1305 is not in swift-crypto.
#include <sodium.h>
