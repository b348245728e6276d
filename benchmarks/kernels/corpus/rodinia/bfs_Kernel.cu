// Third-party kernel, copied verbatim (issue 10 corpus).
// Upstream: yuhc/gpu-rodinia (a GitHub mirror of the Rodinia 3.1 benchmark suite)
// Commit:   9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4
// Path:     cuda/bfs/bfs.cu
// Path:     cuda/bfs/kernel.cu
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia)
// Edits (nothing else changed):
//   - #define MAX_THREADS_PER_BLOCK 512 -> #define MAX_THREADS_PER_BLOCK block_size_x (bfs.cu launches MAX_THREADS_PER_BLOCK threads a block)
//   - added extern "C" in front of the kernel
//   - struct Node from bfs.cu placed in front

#define MAX_THREADS_PER_BLOCK block_size_x

//Structure to hold a node information
struct Node
{
	int starting;
	int no_of_edges;
};

extern "C" __global__ void
Kernel( Node* g_graph_nodes, int* g_graph_edges, bool* g_graph_mask, bool* g_updating_graph_mask, bool *g_graph_visited, int* g_cost, int no_of_nodes) 
{
	int tid = blockIdx.x*MAX_THREADS_PER_BLOCK + threadIdx.x;
	if( tid<no_of_nodes && g_graph_mask[tid])
	{
		g_graph_mask[tid]=false;
		for(int i=g_graph_nodes[tid].starting; i<(g_graph_nodes[tid].no_of_edges + g_graph_nodes[tid].starting); i++)
			{
			int id = g_graph_edges[i];
			if(!g_graph_visited[id])
				{
				g_cost[id]=g_cost[tid]+1;
				g_updating_graph_mask[id]=true;
				}
			}
	}
}
