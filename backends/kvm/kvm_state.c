/* SPDX-License-Identifier: Apache-2.0 */
/*
 * KVM backend: saving and restoring a vCPU's and a VM's state
 * (accel_ops.vcpu_save and friends, backends/accel.h).
 *
 * A vCPU is one section "KVCP" holding one sub-section per KVM object, each
 * the kernel's own struct as raw bytes (x86-64, little-endian, structs
 * without implicit padding) whose length must be exactly the struct's, in
 * restore order:
 *   TSCK u32 kHz, MPST kvm_mp_state, REGS kvm_regs, SREG kvm_sregs,
 *   XSAV u32 size + kvm_xsave area, XCRS kvm_xcrs, DBGR kvm_debugregs,
 *   LAPI kvm_lapic_state, MSRS u32 n + n * (u32 index, u64 value),
 *   EVNT kvm_vcpu_events.
 * KVM's order: MP state is read first on save (reading it makes KVM take
 * pending APIC events); on restore CPUID is already set (vcpu_create),
 * LAPIC goes before the MSRs (the TSC deadline lives in both) and the
 * events last. The MSRs are those KVM_GET_MSR_INDEX_LIST names that this
 * host can read (some are listed but refused; they are left out).
 * A VM is one section "KVVM": PIC0 / PIC1 / IOAP kvm_irqchip, PIT2
 * kvm_pit_state2, CLCK kvm_clock_data.
 * The kernel checks every value it is given; here only sizes, counts,
 * chip ids and flags are checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/kvm/kvm_internal.h"
#include "vmm/base/log.h"

#define KS_VERSION  1
#define KS_MAX_MSRS 1024

/* One ioctl on fd that must succeed; logs which, returns 0 or -errno. */
static int ks_ioctl(int fd, unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg) < 0) {
		int e = errno;
		log_error("%s: %s", what, strerror(e));
		return -e;
	}
	return 0;
}

/* Append sub-section `tag` holding the n bytes at p. */
static void ks_put(struct st_writer *w, const char *tag, const void *p,
		   size_t n)
{
	size_t m = st_section_begin(w, tag, KS_VERSION);
	st_put_bytes(w, p, n);
	st_section_end(w, m);
}

/* Take sub-section `tag`, which must hold exactly n bytes, into p. */
static void ks_get(struct st_reader *r, const char *tag, void *p, size_t n)
{
	uint16_t ver;
	struct st_reader sub;
	st_section_open(r, tag, KS_VERSION, &ver, &sub);
	if (st_remaining(&sub) != n)
		st_fail(&sub);
	st_get_bytes(&sub, p, n);
	st_section_close(r, &sub);
}

int kvm_state_msr_index(int kvm_fd, struct kvm_msr_index *out)
{
	memset(out, 0, sizeof(*out));
	struct kvm_msr_list probe = {.nmsrs = 0};
	if (ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, &probe) < 0 && errno != E2BIG)
		goto fail;
	if (probe.nmsrs > KS_MAX_MSRS)
		probe.nmsrs = KS_MAX_MSRS;
	struct kvm_msr_list *l =
	    calloc(1, sizeof(*l) + probe.nmsrs * sizeof(l->indices[0]));
	if (!l)
		return -ENOMEM;
	l->nmsrs = probe.nmsrs;
	if (ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, l) < 0) {
		free(l);
		goto fail;
	}
	out->idx = malloc(l->nmsrs * sizeof(uint32_t) + 1);
	if (!out->idx) {
		free(l);
		return -ENOMEM;
	}
	memcpy(out->idx, l->indices, l->nmsrs * sizeof(uint32_t));
	out->n = l->nmsrs;
	free(l);
	return 0;
fail:;
	int e = errno;
	log_error("KVM_GET_MSR_INDEX_LIST: %s", strerror(e));
	return -e;
}

void kvm_state_msr_index_free(struct kvm_msr_index *m)
{
	free(m->idx);
	m->idx = NULL;
	m->n = 0;
}

int kvm_state_vm_init(struct accel_vm *vm, const struct accel_sys *sys)
{
	int xs = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);
	vm->xsave_size = xs > (int)sizeof(struct kvm_xsave)
			     ? (unsigned)xs
			     : (unsigned)sizeof(struct kvm_xsave);
	vm->xsave2 = xs > 0;
	if (sys) {
		vm->msrs = &sys->msrs;
		return 0;
	}
	vm->msrs = &vm->own_msrs;
	return kvm_state_msr_index(vm->kvm_fd, &vm->own_msrs);
}

void kvm_state_vm_fini(struct accel_vm *vm)
{
	kvm_state_msr_index_free(&vm->own_msrs);
}

/* A struct kvm_msrs with room for n entries. */
static struct kvm_msrs *ks_msrs_alloc(unsigned n)
{
	return calloc(1, sizeof(struct kvm_msrs) +
			     (n + 1) * sizeof(struct kvm_msr_entry));
}

/* The readable MSRs of the save list into *out (n in out->nmsrs). */
static int ks_read_msrs(struct accel_vcpu *v, struct kvm_msrs **out)
{
	const struct kvm_msr_index *list = v->vm->msrs;
	struct kvm_msrs *all = ks_msrs_alloc(list->n);
	struct kvm_msrs *one = ks_msrs_alloc(1);
	if (!all || !one) {
		free(all);
		free(one);
		return -ENOMEM;
	}
	/* One at a time: KVM_GET_MSRS stops at the first it refuses, and
	 * hosts list MSRs they then refuse. */
	for (unsigned i = 0; i < list->n; i++) {
		one->nmsrs = 1;
		one->entries[0] = (struct kvm_msr_entry){.index = list->idx[i]};
		if (ioctl(v->cpu.fd, KVM_GET_MSRS, one) == 1)
			all->entries[all->nmsrs++] = one->entries[0];
	}
	free(one);
	*out = all;
	return 0;
}

static void ks_put_msrs(struct st_writer *w, const struct kvm_msrs *m)
{
	size_t mark = st_section_begin(w, "MSRS", KS_VERSION);
	st_put_u32(w, m->nmsrs);
	for (unsigned i = 0; i < m->nmsrs; i++) {
		st_put_u32(w, m->entries[i].index);
		st_put_u64(w, m->entries[i].data);
	}
	st_section_end(w, mark);
}

/* Take the MSRS section into a new struct kvm_msrs (NULL when bad). */
static struct kvm_msrs *ks_get_msrs(struct st_reader *r)
{
	uint16_t ver;
	struct st_reader sub;
	st_section_open(r, "MSRS", KS_VERSION, &ver, &sub);
	uint32_t n = st_get_u32(&sub);
	struct kvm_msrs *m = NULL;
	if (n > KS_MAX_MSRS || st_remaining(&sub) != (size_t)n * 12)
		st_fail(&sub);
	else if ((m = ks_msrs_alloc(n)) != NULL) {
		m->nmsrs = n;
		for (unsigned i = 0; i < n; i++) {
			m->entries[i].index = st_get_u32(&sub);
			m->entries[i].data = st_get_u64(&sub);
		}
	}
	st_section_close(r, &sub);
	if (!st_ok(r)) {
		free(m);
		return NULL;
	}
	return m;
}

/* Everything of a vCPU, as KVM gives it. */
struct ks_vcpu {
	uint32_t tsc_khz;
	struct kvm_mp_state mp;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_xcrs xcrs;
	struct kvm_debugregs dbg;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events events;
	struct kvm_xsave *xs;  /* the VM's xsave_size bytes */
	struct kvm_msrs *msrs; /* NULL until read or decoded */
};

/* A zeroed ks_vcpu with its xsave area. 0 or -ENOMEM. */
static int ks_vcpu_alloc(const struct accel_vm *vm, struct ks_vcpu *s)
{
	memset(s, 0, sizeof(*s));
	s->xs = calloc(1, vm->xsave_size);
	return s->xs ? 0 : -ENOMEM;
}

static void ks_vcpu_free(struct ks_vcpu *s)
{
	free(s->xs);
	free(s->msrs);
}

/* Let KVM finish the exit the caller handled last (a PIO or MMIO exit
 * completes, RIP moves past it, only in the next KVM_RUN), without running
 * guest code: KVM_RUN with immediate_exit returns EINTR right after. */
static int ks_complete_pending(struct accel_vcpu *v)
{
	v->cpu.run->immediate_exit = 1;
	int r = ioctl(v->cpu.fd, KVM_RUN, 0);
	int e = errno;
	v->cpu.run->immediate_exit = 0;
	if (r < 0 && (e == EINTR || e == EAGAIN))
		return 0;
	if (r == 0)
		e = EIO; /* it ran and exited: an exit nobody handles */
	log_error("vCPU %u: KVM_RUN (completing the last exit): %s", v->index,
		  strerror(e));
	return -e;
}

int kvm_vcpu_save(struct accel_vcpu *v, struct st_writer *w)
{
	struct ks_vcpu s;
	int r = ks_vcpu_alloc(v->vm, &s);
	if (r)
		return r;
	int fd = v->cpu.fd;
	struct kvm_xsave *xs = s.xs;
	if ((r = ks_complete_pending(v)))
		goto out;
	int khz = ioctl(fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0) {
		r = khz < 0 ? -errno : -EOPNOTSUPP;
		log_error("KVM_GET_TSC_KHZ: %s", strerror(-r));
		goto out;
	}
	s.tsc_khz = (uint32_t)khz;
	if ((r = ks_ioctl(fd, KVM_GET_MP_STATE, &s.mp, "KVM_GET_MP_STATE")) ||
	    (r = ks_ioctl(fd, KVM_GET_REGS, &s.regs, "KVM_GET_REGS")) ||
	    (r = ks_ioctl(fd, KVM_GET_SREGS, &s.sregs, "KVM_GET_SREGS")) ||
	    (r = ks_ioctl(fd, v->vm->xsave2 ? KVM_GET_XSAVE2 : KVM_GET_XSAVE,
			  xs, "KVM_GET_XSAVE")) ||
	    (r = ks_ioctl(fd, KVM_GET_XCRS, &s.xcrs, "KVM_GET_XCRS")) ||
	    (r = ks_ioctl(fd, KVM_GET_DEBUGREGS, &s.dbg,
			  "KVM_GET_DEBUGREGS")) ||
	    (r = ks_ioctl(fd, KVM_GET_LAPIC, &s.lapic, "KVM_GET_LAPIC")) ||
	    (r = ks_read_msrs(v, &s.msrs)) ||
	    (r = ks_ioctl(fd, KVM_GET_VCPU_EVENTS, &s.events,
			  "KVM_GET_VCPU_EVENTS")))
		goto out;
	/* So that restore applies the pending NMI and the SIPI vector too. */
	s.events.flags |=
	    KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR;

	size_t mark = st_section_begin(w, "KVCP", KS_VERSION);
	size_t m2 = st_section_begin(w, "TSCK", KS_VERSION);
	st_put_u32(w, s.tsc_khz);
	st_section_end(w, m2);
	ks_put(w, "MPST", &s.mp, sizeof(s.mp));
	ks_put(w, "REGS", &s.regs, sizeof(s.regs));
	ks_put(w, "SREG", &s.sregs, sizeof(s.sregs));
	m2 = st_section_begin(w, "XSAV", KS_VERSION);
	st_put_u32(w, v->vm->xsave_size);
	st_put_bytes(w, xs, v->vm->xsave_size);
	st_section_end(w, m2);
	ks_put(w, "XCRS", &s.xcrs, sizeof(s.xcrs));
	ks_put(w, "DBGR", &s.dbg, sizeof(s.dbg));
	ks_put(w, "LAPI", &s.lapic, sizeof(s.lapic));
	ks_put_msrs(w, s.msrs);
	ks_put(w, "EVNT", &s.events, sizeof(s.events));
	st_section_end(w, mark);
	r = st_writer_end(w) < 0 ? (int)st_writer_end(w) : 0;
out:
	ks_vcpu_free(&s);
	return r;
}

/* Take the XSAV section, whose size must be this VM's, into xs. */
static void ks_get_xsave(struct st_reader *r, const struct accel_vm *vm,
			 struct kvm_xsave *xs)
{
	uint16_t ver;
	struct st_reader sub;
	st_section_open(r, "XSAV", KS_VERSION, &ver, &sub);
	if (st_get_u32(&sub) != vm->xsave_size ||
	    st_remaining(&sub) != vm->xsave_size)
		st_fail(&sub);
	st_get_bytes(&sub, xs, vm->xsave_size);
	st_section_close(r, &sub);
}

/* Decode a KVCP section into s (from ks_vcpu_alloc). 0 or -EINVAL. */
static int ks_decode_vcpu(struct st_reader *r, const struct accel_vm *vm,
			  struct ks_vcpu *s)
{
	uint16_t ver;
	struct st_reader sub, t;
	st_section_open(r, "KVCP", KS_VERSION, &ver, &sub);
	st_section_open(&sub, "TSCK", KS_VERSION, &ver, &t);
	s->tsc_khz = st_get_u32(&t);
	st_section_close(&sub, &t);
	ks_get(&sub, "MPST", &s->mp, sizeof(s->mp));
	ks_get(&sub, "REGS", &s->regs, sizeof(s->regs));
	ks_get(&sub, "SREG", &s->sregs, sizeof(s->sregs));
	ks_get_xsave(&sub, vm, s->xs);
	ks_get(&sub, "XCRS", &s->xcrs, sizeof(s->xcrs));
	ks_get(&sub, "DBGR", &s->dbg, sizeof(s->dbg));
	ks_get(&sub, "LAPI", &s->lapic, sizeof(s->lapic));
	s->msrs = st_ok(&sub) ? ks_get_msrs(&sub) : NULL;
	ks_get(&sub, "EVNT", &s->events, sizeof(s->events));
	st_section_close(r, &sub);
	if (!st_ok(r) || !s->msrs || s->tsc_khz == 0 ||
	    s->xcrs.nr_xcrs > KVM_MAX_XCRS)
		return -EINVAL;
	return 0;
}

/* Give the vCPU the saved TSC frequency, if it differs. */
static int ks_set_tsc(struct accel_vcpu *v, uint32_t khz)
{
	int now = ioctl(v->cpu.fd, KVM_GET_TSC_KHZ, 0);
	if (now > 0 && (uint32_t)now == khz)
		return 0;
	return ks_ioctl(v->cpu.fd, KVM_SET_TSC_KHZ, (void *)(uintptr_t)khz,
			"KVM_SET_TSC_KHZ (the saved TSC frequency)");
}

int kvm_vcpu_restore(struct accel_vcpu *v, struct st_reader *rd)
{
	struct ks_vcpu s;
	int r = ks_vcpu_alloc(v->vm, &s);
	if (r)
		return r;
	r = ks_decode_vcpu(rd, v->vm, &s);
	if (r) {
		log_error("vCPU %u: the saved state is malformed", v->index);
		goto out;
	}
	int fd = v->cpu.fd;
	if ((r = ks_set_tsc(v, s.tsc_khz)) ||
	    (r = ks_ioctl(fd, KVM_SET_MP_STATE, &s.mp, "KVM_SET_MP_STATE")) ||
	    (r = ks_ioctl(fd, KVM_SET_REGS, &s.regs, "KVM_SET_REGS")) ||
	    (r = ks_ioctl(fd, KVM_SET_SREGS, &s.sregs, "KVM_SET_SREGS")) ||
	    (r = ks_ioctl(fd, KVM_SET_XSAVE, s.xs, "KVM_SET_XSAVE")) ||
	    (r = ks_ioctl(fd, KVM_SET_XCRS, &s.xcrs, "KVM_SET_XCRS")) ||
	    (r = ks_ioctl(fd, KVM_SET_DEBUGREGS, &s.dbg,
			  "KVM_SET_DEBUGREGS")) ||
	    (r = ks_ioctl(fd, KVM_SET_LAPIC, &s.lapic, "KVM_SET_LAPIC")))
		goto out;
	int n = ioctl(fd, KVM_SET_MSRS, s.msrs);
	if (n != (int)s.msrs->nmsrs) {
		r = n < 0 ? -errno : -EINVAL;
		log_error("KVM_SET_MSRS: MSR %#x refused",
			  n >= 0 && (unsigned)n < s.msrs->nmsrs
			      ? s.msrs->entries[n].index
			      : 0);
		goto out;
	}
	r = ks_ioctl(fd, KVM_SET_VCPU_EVENTS, &s.events, "KVM_SET_VCPU_EVENTS");
out:
	ks_vcpu_free(&s);
	return r;
}

static const struct {
	const char *tag;
	uint32_t chip_id;
} ks_chips[] = {{"PIC0", KVM_IRQCHIP_PIC_MASTER},
		{"PIC1", KVM_IRQCHIP_PIC_SLAVE},
		{"IOAP", KVM_IRQCHIP_IOAPIC}};

/* What saving or restoring a VM needs of KVM, checked before either, so
 * that a host that lacks one is refused by name. 0 or -ENOTSUP. */
static int ks_caps(const struct accel_vm *vm, const char *what)
{
	static const struct {
		long cap;
		const char *name;
	} need[] = {
	    {KVM_CAP_VCPU_EVENTS, "KVM_CAP_VCPU_EVENTS"},
	    {KVM_CAP_XSAVE, "KVM_CAP_XSAVE"},
	    {KVM_CAP_XCRS, "KVM_CAP_XCRS"},
	    {KVM_CAP_DEBUGREGS, "KVM_CAP_DEBUGREGS"},
	    {KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE"},
	    {KVM_CAP_PIT_STATE2, "KVM_CAP_PIT_STATE2"},
	    {KVM_CAP_ADJUST_CLOCK, "KVM_CAP_ADJUST_CLOCK"},
	    {KVM_CAP_GET_TSC_KHZ, "KVM_CAP_GET_TSC_KHZ"},
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!kvm_check_cap(vm->kvm_fd, need[i].cap)) {
			log_error("/dev/kvm lacks %s: it cannot %s a VM's "
				  "state",
				  need[i].name, what);
			return -ENOTSUP;
		}
	return 0;
}

int kvm_vm_save(struct accel_vm *vm, struct st_writer *w)
{
	struct kvm_irqchip chips[3];
	struct kvm_pit_state2 pit;
	struct kvm_clock_data clock;
	memset(chips, 0, sizeof(chips));
	memset(&pit, 0, sizeof(pit));
	memset(&clock, 0, sizeof(clock));
	int r = ks_caps(vm, "save");
	for (unsigned i = 0; !r && i < 3; i++) {
		chips[i].chip_id = ks_chips[i].chip_id;
		r = ks_ioctl(vm->vm_fd, KVM_GET_IRQCHIP, &chips[i],
			     "KVM_GET_IRQCHIP");
	}
	if (r ||
	    (r = ks_ioctl(vm->vm_fd, KVM_GET_PIT2, &pit, "KVM_GET_PIT2")) ||
	    (r = ks_ioctl(vm->vm_fd, KVM_GET_CLOCK, &clock, "KVM_GET_CLOCK")))
		return r;
	/* KVM_SET_CLOCK refuses what GET reports (TSC_STABLE, ...): the
	 * clock value alone is restored. */
	clock.flags = 0;
	size_t mark = st_section_begin(w, "KVVM", KS_VERSION);
	for (unsigned i = 0; i < 3; i++)
		ks_put(w, ks_chips[i].tag, &chips[i], sizeof(chips[i]));
	ks_put(w, "PIT2", &pit, sizeof(pit));
	ks_put(w, "CLCK", &clock, sizeof(clock));
	st_section_end(w, mark);
	long n = st_writer_end(w);
	return n < 0 ? (int)n : 0;
}

int kvm_vm_restore(struct accel_vm *vm, struct st_reader *rd)
{
	struct kvm_irqchip chips[3];
	struct kvm_pit_state2 pit;
	struct kvm_clock_data clock;
	uint16_t ver;
	struct st_reader sub;
	int e = ks_caps(vm, "restore");
	if (e)
		return e;
	st_section_open(rd, "KVVM", KS_VERSION, &ver, &sub);
	for (unsigned i = 0; i < 3; i++) {
		ks_get(&sub, ks_chips[i].tag, &chips[i], sizeof(chips[i]));
		if (chips[i].chip_id != ks_chips[i].chip_id)
			st_fail(&sub);
	}
	ks_get(&sub, "PIT2", &pit, sizeof(pit));
	ks_get(&sub, "CLCK", &clock, sizeof(clock));
	st_section_close(rd, &sub);
	if (!st_ok(rd) || clock.flags != 0) {
		log_error("the saved VM state is malformed");
		return -EINVAL;
	}
	int r = 0;
	for (unsigned i = 0; !r && i < 3; i++)
		r = ks_ioctl(vm->vm_fd, KVM_SET_IRQCHIP, &chips[i],
			     "KVM_SET_IRQCHIP");
	if (!r)
		r = ks_ioctl(vm->vm_fd, KVM_SET_PIT2, &pit, "KVM_SET_PIT2");
	if (!r)
		r = ks_ioctl(vm->vm_fd, KVM_SET_CLOCK, &clock, "KVM_SET_CLOCK");
	return r;
}
