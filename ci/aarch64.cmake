# CMake toolchain for the aarch64 cross build (ci/cross-aarch64): Debian's
# gcc-aarch64-linux-gnu, the arm64 libraries from Debian's multiarch
# packages (ci/deps --with-aarch64), tests run under qemu-aarch64.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
# The tests run on the multiarch libc (libc6:arm64 in /lib/aarch64-linux-
# gnu), not on the cross toolchain's copy in /usr/aarch64-linux-gnu: under
# qemu-aarch64 7.2, two threads contending for one pthread mutex spin
# forever with the latter (Debian 2.36-8cross1) and not with the former.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
set(ENV{PKG_CONFIG_LIBDIR}
    /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
