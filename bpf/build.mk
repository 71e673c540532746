# cgroup-BPF programs, their skeletons and the loader: $(BUILD)/libvjbpf.a.
# (owned by the cgroup-bpf work)
BPF_LIB_SRCS := $(wildcard bpf/*.c)
BPF_LIB_SRCS := $(filter-out %.bpf.c,$(BPF_LIB_SRCS))
BPF_LIB_OBJS := $(BPF_LIB_SRCS:%.c=$(OBJ)/%.o)
BPF_LIB := $(BUILD)/libvjbpf.a
GEN_HEADERS +=
$(BPF_LIB): $(BPF_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
