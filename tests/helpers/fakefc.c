// SPDX-License-Identifier: Apache-2.0
/*
 * A stand-in Firecracker for tests/fc-*.t: run as the exec file (copied to a
 * name starting with "firecracker"), it records what Firecracker would be
 * given and does what an orchestrator waits for:
 *   - prints "argc=N", "argv[i]=..." and "pid=" (its own view) on
 *     stdout;
 *   - binds the API socket named by --api-sock (firecracker-go-sdk waits for
 *     it to appear under the jail root);
 *   - on SIGTERM (the SDK's StopVMM) prints "sigterm" and exits 0; otherwise
 *     exits 3 after 60 s.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t term;
static void on_term(int sig)
{
	(void)sig;
	term = 1;
}

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("pid=%d\n", (int)getpid());
	struct sigaction sa = {.sa_handler = on_term};
	sigaction(SIGTERM, &sa, NULL);
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--api-sock"))
			continue;
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[i + 1]);
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0); /* as Rust creates it */
		if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0)
			printf("api-sock=error\n");
		else
			printf("api-sock=%s\n", a.sun_path);
	}
	fflush(stdout);
	/* poll, not usleep (clock_nanosleep): only what Firecracker itself
	 * does at start-up, so firecracker.policy (picked for this name) holds */
	for (int i = 0; i < 600 && !term; i++)
		poll(NULL, 0, 100);
	if (term) {
		printf("sigterm\n");
		fflush(stdout);
		return 0;
	}
	return 3;
}
